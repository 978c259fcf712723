"""The form for entering an event on the web: the event, its place, up to `LINK_ROWS`
provisions each with its effect, existing sources cited and one new source with an optional
attached file. Field rules beyond the form's own (dates, place, provisions, sources) are
the domain's (`tracker.domain.events`), reported by the service under the same field names.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, URLField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.events import MAX_ACTORS, MAX_DESCRIPTION, MAX_PUBLISHER, MAX_TITLE, MAX_URL
from ..forms import FlaskForm

#: Provision rows shown on the form (an event bearing on more is entered in a file import).
LINK_ROWS = 6
#: The existing sources offered to cite, newest first: the first RECENT_SOURCES as
#: checkboxes, all of them in the list suggested as one types in `cited_other` (a datalist:
#: searchable by title on any browser, phones included, with no script).
MAX_SOURCES_OFFERED = 200
RECENT_SOURCES = 8


def _not_offered(count: int) -> str:
    """WTForms' message for values not among the choices (a crafted request), ours: its
    own Spanish catalogue drops the opening quote. `%(value)s` is left for WTForms to fill
    ("'456'", "'456', '457'")."""
    from flask_babel import gettext as _

    return _("'%(value)s' is not one of the choices offered.") if count == 1 else _(
        "'%(value)s' are not among the choices offered.")


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes; a value not offered is refused with our
    message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_choice_message", _not_offered)
        super().__init__(*args, **kwargs)


def _link_fields(rows: int) -> list:
    """(provision code, effect) fields for `rows` rows, flat, created here so they sort
    between the event's fields and the sources' as the page shows them (error summary)."""
    return [field for _number in range(rows) for field in (
        StringField(_l("Provision code"), validators=[Optional(), Length(max=40)]),
        SelectField(_l("Effect on its level"), validators=[Optional()]))]


class EventForm(FlaskForm):
    """A new event. `place`: a place code, optionally followed by its name as the list
    offers it ("54810 TIBÚ, NORTE DE SANTANDER"): only the code is read. `language`: the
    content language the title and description are typed in (ISO 639-1)."""

    occurred_on = DateField(_l("Date"), validators=[InputRequired()])
    ended_on = DateField(_l("End date (if it lasted several days)"), validators=[Optional()])
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=MAX_TITLE)])
    description = TextAreaField(_l("Description"),
                                validators=[Optional(), Length(max=MAX_DESCRIPTION)])
    language = SelectField(_l("Language of the title and description"),
                           validators=[Optional()])
    place = StringField(_l("Place (code or name of the municipality or department)"),
                        validators=[Optional(), Length(max=300)])
    actors = TextAreaField(_l("Actors involved"), validators=[Optional(), Length(max=MAX_ACTORS)])
    (provision_1, effect_1, provision_2, effect_2, provision_3, effect_3,  # LINK_ROWS rows
     provision_4, effect_4, provision_5, effect_5, provision_6, effect_6) = _link_fields(LINK_ROWS)
    cited = CheckboxesField(_l("Most recent sources"), validators=[Optional()])
    cited_other = StringField(_l("Other registered sources"),
                              validators=[Optional(), Length(max=500)])
    source_title = StringField(_l("Title of the new source"),
                               validators=[Optional(), Length(max=MAX_TITLE)])
    source_kind = SelectField(_l("Kind of source"), validators=[Optional()])
    source_publisher = StringField(_l("Publisher"),
                                   validators=[Optional(), Length(max=MAX_PUBLISHER)])
    source_date = DateField(_l("Date of the source"), validators=[Optional()])
    source_url = URLField(_l("Link to the source"), validators=[Optional(), Length(max=MAX_URL)])
    source_language = SelectField(_l("Language of the source"), validators=[Optional()])
    source_file = FileField(_l("Attached file (PDF, image, office document or text)"))
    #: The name of a file chosen before this form was refused (a browser cannot send it
    #: again): the new source is then refused without a file unless `without_file`.
    dropped_file = HiddenField(validators=[Optional(), Length(max=255)])
    without_file = BooleanField(_l("Save the new source without a file"))

    def fill(self, effects: dict, kinds: dict, languages: dict, sources) -> None:
        """The choices: `effects` and `kinds` key -> label, `languages` code -> name (the
        content languages: of the event's texts and of a new source), `sources` the (id,
        label) of the most recent sources that may be cited."""
        for number, (provision, effect) in enumerate(self.links(), start=1):
            provision.label.text = str(_l("Provision %(number)d: code", number=number))
            effect.label.text = str(_l("Provision %(number)d: effect on its level",
                                       number=number))
            effect.choices = [SelectChoice(k, str(v)) for k, v in effects.items()]
        self.source_kind.choices = [SelectChoice("", "—")] + [
            SelectChoice(k, str(v)) for k, v in kinds.items()]
        self.language.choices = [SelectChoice(k, str(v)) for k, v in languages.items()]
        self.source_language.choices = [SelectChoice("", "—")] + [
            SelectChoice(k, str(v)) for k, v in languages.items()]
        self.cited.choices = [SelectChoice(str(i), label) for i, label in sources]

    def links(self) -> list[tuple]:
        """(provision code field, effect field) of each row, in order."""
        return [(self[f"provision_{n}"], self[f"effect_{n}"]) for n in range(1, LINK_ROWS + 1)]

    def has_new_source(self) -> bool:
        """Whether any field of the new source was filled (then its title is required)."""
        return any((self.source_title.data, self.source_kind.data,
                    self.source_publisher.data, self.source_date.data, self.source_url.data,
                    self.source_language.data, self.source_file.data))
