"""Reasons shown to people: marked for the translation catalogues here, translated by the
web layer when shown (`tracker.i18n.translate`), English wherever they are printed as text."""
from __future__ import annotations


def N_(message: str) -> str:
    """Marks a reason for translation catalogues; the web layer translates it when shown."""
    return message


class Message:
    """A reason with values: `text` is a %(name)s template marked with N_, `params` fill it
    (a param may itself be a Message). str() gives the English text (command line, logs);
    the web layer translates the template, then fills it (`tracker.i18n.translate`)."""

    __slots__ = ("text", "params")

    def __init__(self, text: str, **params):
        self.text, self.params = text, params

    def __str__(self) -> str:
        if not self.params:
            return self.text
        return self.text % {key: str(value) for key, value in self.params.items()}

    def __repr__(self) -> str:
        return f"Message({str(self)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.text, self.params) == (other.text,
                                                                           other.params)

    __hash__ = None


def as_reason(reason) -> Message:
    """`reason` as a value to put in another Message (`"%(column)s: %(reason)s"`): a Message
    as it is; a string (a rule's N_-marked reason, or a text no catalogue holds, which then
    shows as it is) wrapped, so the web layer translates it where it is shown. A plain
    string param is never translated (it may be what someone typed)."""
    return reason if isinstance(reason, Message) else Message(str(reason))
