"""The officials' brief as a PDF, made on the server with fpdf2 (pure Python, from the
package index alone) and the DejaVu fonts matplotlib ships (every Spanish character), with
the brief's matplotlib charts embedded as images.

Each page repeats a header (accord, cut-off, date; the illustrative mark where it applies)
and a footer (page n of N); sections start on new pages where they would not fit.
"""
from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from flask_babel import get_locale, gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..domain.scale import LEVEL_KEYS
from ..i18n import level_labels
from ..i18n import local, point_title
from ..web import local_date, percent, score_figure, signed
from .brief import CHARTS, Brief

PAPERS = {"a4": "A4", "letter": "Letter"}
_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_INK, _MUTED, _STAMP = (20, 20, 20), (90, 90, 90), (150, 40, 0)
_NEXT = {"new_x": XPos.LMARGIN, "new_y": YPos.NEXT}


class _Document(FPDF):
    def __init__(self, brief: Brief, paper: str):
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.brief = brief
        self.add_font("DejaVu", "", str(_FONTS / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(16, 19, 16)
        self.set_auto_page_break(True, margin=18)
        self.alias_nb_pages()
        self.set_title(brief.title)
        self.set_creator("Accord tracker")
        self.set_lang(str(get_locale()))

    def header(self):
        """Accord and cut-off (and the illustrative mark) at the top of every page."""
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*_MUTED)
        label = self.brief.moment.label or _("as of %(date)s",
                                              date=local_date(self.brief.moment.as_of))
        room = self.w - self.l_margin - self.r_margin - 40
        self.set_xy(self.l_margin, 8)
        self.cell(room, 5, _shorten(self, f"{local(self.brief.accord, 'name')} · {label}", room))
        if self.brief.accord.illustrative:
            self.set_xy(self.l_margin, 8)
            self.set_text_color(*_STAMP)
            self.set_font("DejaVu", "B", 8)
            self.cell(0, 5, _("ILLUSTRATIVE DATA"), align="R")
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_y(self.t_margin)
        self.set_text_color(*_INK)

    def footer(self):
        """Page n of N at the bottom of every page."""
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, _("Page %(n)s of %(total)s", n=self.page_no(), total="{nb}"),
                  align="R")

    def heading(self, text: str, room: float = 40) -> None:
        """A section heading, on a new page when less than `room` mm is left."""
        if self.get_y() + room > self.h - self.b_margin:
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", 12)
        self.multi_cell(0, 7, text, align="L", **_NEXT)
        self.set_font("DejaVu", "", 10)

    def paragraph(self, text: str, size: float = 10) -> None:
        """Left-aligned text in `size` points."""
        self.set_font("DejaVu", "", size)
        self.multi_cell(0, size * 0.5, text, align="L", **_NEXT)
        self.ln(1)

    def grid(self, head: list[str], rows: list[list[str]], widths: tuple) -> None:
        """A table whose heading row repeats on every page it spans (`widths` in mm): the
        first column (names) aligned left, the figures and their headings right, as on the
        page."""
        self.set_font("DejaVu", "", 8.5)
        align = ("LEFT",) + ("RIGHT",) * (len(widths) - 1)
        with self.table(col_widths=widths, text_align=align, line_height=5,
                        repeat_headings=1, first_row_as_headings=True) as table:
            for values in [head] + rows:
                line = table.row()
                for value in values:
                    line.cell(value)
        self.ln(2)


def _shorten(pdf: FPDF, text: str, room: float) -> str:
    """`text` cut with an ellipsis to fit `room` mm in the current font."""
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _stamp(pdf: _Document) -> None:
    """The illustrative stamp across the first page."""
    pdf.set_font("DejaVu", "B", 34)
    pdf.set_text_color(242, 218, 206)
    with pdf.rotation(30, pdf.w / 2, pdf.h / 2):
        pdf.text(pdf.w / 2 - 70, pdf.h / 2, _("ILLUSTRATIVE DATA"))
    pdf.set_text_color(*_INK)


def _summary_rows(brief: Brief) -> list[list[str]]:
    s = brief.figures["summary"]
    rows = []
    for label, part in ((_("All provisions"), s), (_("Priority"), s["priority"]),
                        (_("Non-priority"), s["non_priority"])):
        if part["provisions"]:
            rows.append([label, str(part["provisions"])]
                        + [percent(part['shares'][k]) for k in LEVEL_KEYS]
                        + [score_figure(part["score"])])
    return rows


def _opening(pdf: _Document, brief: Brief) -> None:
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, brief.title, align="L", **_NEXT)
    pdf.paragraph(brief.scope, 9.5)
    if brief.cutoff is not None and brief.cutoff.note:
        pdf.paragraph(brief.cutoff.note, 9.5)
    if brief.accord.illustrative:
        pdf.set_text_color(*_STAMP)
        pdf.paragraph(_("The provision data of this accord is illustrative: a stand-in "
                        "calibrated to published aggregate figures, not the published "
                        "provision-level data."), 9.5)
        pdf.set_text_color(*_INK)
    if brief.revision and brief.revision["revised"]:
        pdf.paragraph(_("Revised since publication: records verified or edits made later put "
                        "the score of this date at %(now)s as known now (published: "
                        "%(published)s); the cut-off's page lists them.",
                        now=score_figure(brief.revision["now"]["score"]),
                        published=score_figure(brief.revision["published"]["score"])), 9.5)


def build(brief: Brief, paper: str = "a4") -> bytes:
    """The brief as PDF bytes on `paper` ("a4" or "letter"). Raises KeyError for another
    paper (the view answers 400 before)."""
    pdf = _Document(brief, paper)
    pdf.add_page()
    if brief.accord.illustrative:
        _stamp(pdf)
    _opening(pdf, brief)
    pdf.heading(_("Key findings"))
    for sentence in brief.findings:
        pdf.multi_cell(0, 5, "•  " + sentence, align="L", **_NEXT)
        pdf.ln(1)
    pdf.heading(_("Headline figures"))
    pdf.grid([_("Provisions"), _("n")] + level_labels() + [_("Score")], _summary_rows(brief),
             (38, 12, 26, 22, 26, 24, 20))
    if brief.point_changes:
        pdf.heading(_("Change by point since %(since)s", since=brief.previous.label or ""))
        pdf.grid([_("Point"), _("Change in score")],
                 [[point_title(brief.accord, p["point"], p["title"]), signed(p["change"])]
                  for p in brief.point_changes], (140, 38))
    pdf.heading(_("By point"))
    pdf.grid([_("Point"), _("n")] + level_labels() + [_("Score")],
             [[point_title(brief.accord, p["point"], p["title"]), str(p["provisions"])]
              + [percent(p['shares'][k]) for k in LEVEL_KEYS] + [score_figure(p["score"])]
              for p in brief.figures["by_point"]], (56, 10, 24, 20, 26, 22, 20))
    for name in CHARTS:
        width = pdf.w - pdf.l_margin - pdf.r_margin
        if pdf.get_y() + width / 2 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(brief.chart(name, "png")), w=width)
        pdf.ln(3)
    pdf.heading(_("Sources and method"), room=30)
    for line in brief.method_lines():
        pdf.paragraph(line, 8.5)
    return bytes(pdf.output())
