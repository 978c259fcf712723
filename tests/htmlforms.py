"""Forms read from a rendered page the way a browser reads them, for tests that submit a form
exactly as it was shown and that check every control has options and a label."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    """One form control: tag (input, select, textarea, button), its attributes, and for a
    select its options as (value, label, selected)."""

    tag: str
    attrs: dict
    options: list[tuple[str, str, bool]] = field(default_factory=list)
    text: str = ""
    labelled_by_wrapper: bool = False

    @property
    def name(self) -> str | None:
        return self.attrs.get("name")

    @property
    def type(self) -> str:
        return (self.attrs.get("type") or ("submit" if self.tag == "button" else "text")).lower()


@dataclass
class Form:
    method: str
    action: str
    attrs: dict
    controls: list[Control] = field(default_factory=list)

    def submission(self) -> dict[str, list[str]]:
        """Name -> values a browser sends when the form is submitted unchanged without
        pressing a named button: checked boxes only, each select's selected option (the
        first when none is), textareas as shown (one leading newline dropped, line ends sent as
        CRLF)."""
        data: dict[str, list[str]] = {}
        for control in self.controls:
            if not control.name or "disabled" in control.attrs:
                continue
            value = _submitted_value(control)
            if value is not None:
                data.setdefault(control.name, []).append(value)
        return data


def _submitted_value(control: Control) -> str | None:
    if control.tag == "select":
        chosen = [o for o in control.options if o[2]] or control.options[:1]
        return chosen[0][0] if chosen else None
    if control.tag == "textarea":  # the HTML parser's line ends, then the form encoder's
        text = control.text.replace("\r\n", "\n").replace("\r", "\n")
        return (text[1:] if text.startswith("\n") else text).replace("\n", "\r\n")
    if control.type in ("submit", "button", "reset", "image", "file"):
        return None
    if control.type in ("checkbox", "radio"):
        return control.attrs.get("value", "on") if "checked" in control.attrs else None
    return control.attrs.get("value", "")


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.controls: list[Control] = []  # every control of the page, in forms or not
        self.labels_for: set[str] = set()
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list | None = None
        self._textarea: Control | None = None
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form((attrs.get("method") or "get").lower(), attrs.get("action", ""),
                              attrs)
            self.forms.append(self._form)
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.labels_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea", "button"):
            control = Control(tag, attrs, labelled_by_wrapper=self._label_depth > 0)
            self.controls.append(control)
            if self._form is not None:
                self._form.controls.append(control)
            if tag == "select":
                self._select = control
            elif tag == "textarea":
                self._textarea = control
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "", "selected" in attrs]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea":
            self._textarea = None

    def _close_option(self):
        if self._option is not None and self._select is not None:
            value, label, selected = self._option
            self._select.options.append((label.strip() if value is None else value,
                                         label.strip(), selected))
        self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea.text += data


def parse(html: str) -> _Parser:
    """The page's forms (`.forms`), every control (`.controls`) and the ids labels name."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser


def has_label(control: Control, labels_for: set[str]) -> bool:
    """Whether assistive technology can name the control."""
    attrs = control.attrs
    return bool(control.labelled_by_wrapper or attrs.get("id") in labels_for
                or attrs.get("aria-label", "").strip() or attrs.get("aria-labelledby")
                or attrs.get("title", "").strip())
