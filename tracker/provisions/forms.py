from flask_babel import lazy_gettext as _l
from wtforms import (DateField, HiddenField, SelectField, StringField,
                     TextAreaField, URLField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, InputRequired, Length, Optional,
                                ValidationError)

from ..domain.rules import MAX_EVIDENCE_TEXT, MAX_NOTE, MAX_URL
from ..events.forms import CheckboxesField
from ..forms import FlaskForm, RecordNumberField
from ..i18n import event_option, level_labels


#: The longest tag (the length of `ProvisionTag.tag`).
MAX_TAG = 60


class StatusForm(FlaskForm):
    """A new status record. `version` is the provision's version the form was made from."""

    level = SelectField(_l("Level"), validators=[InputRequired()])
    effective_on = DateField(_l("Holds from (date)"), validators=[InputRequired()])
    evidence_url = URLField(_l("Evidence link"), validators=[Optional(), Length(max=MAX_URL)])
    evidence_text = TextAreaField(_l("Evidence (description)"),
                                  validators=[Optional(), Length(max=MAX_EVIDENCE_TEXT)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
    corrects = RecordNumberField(_l("Corrects record number"), validators=[Optional()])
    events = CheckboxesField(_l("Events this level rests on"), validators=[Optional()])
    version = HiddenField(validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = [SelectChoice(str(n), f"{n} · {label}")
                              for n, label in enumerate(level_labels())]
        self.events.choices = []

    def offer_events(self, events) -> None:
        """The events that may be cited (verified events of the provision, newest first)."""
        self.events.choices = [
            SelectChoice(str(e.id), event_option(e)) for e in events]


class PriorityForm(FlaskForm):
    priority = SelectField(_l("Priority"), validators=[InputRequired()])
    effective_on = DateField(_l("Since (date)"), validators=[InputRequired()])
    # Required by the service when the flag changes; a form sent unchanged records nothing.
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])
    version = HiddenField(validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.priority.choices = [SelectChoice("yes", str(_l("Priority"))),
                                 SelectChoice("no", str(_l("Not priority")))]


class ProvisionForm(FlaskForm):
    """A coordinator's edit of a provision's structure fields (not its status)."""

    text = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=10000)])
    # The text in the accord's other content language; labelled by `fill`.
    text_translated = TextAreaField(_l("Text in the other language"),
                                    validators=[Optional(), Length(max=10000)])
    section = SelectField(_l("Section"), validators=[Optional()])
    provision_type = SelectField(_l("PAM provision type"), validators=[Optional()])
    tags = StringField(_l("Tags (separated by ;)"), validators=[Optional(), Length(max=500)])
    responsible_actor = StringField(_l("Responsible actor"),
                                    validators=[Optional(), Length(max=200)])
    deadline = DateField(_l("Deadline"), validators=[Optional()])
    time_frame = SelectField(_l("Time frame"), validators=[Optional()])
    version = HiddenField(validators=[DataRequired()])

    def validate_tags(self, field):
        """Each tag fits its column (MAX_TAG characters)."""
        if any(len(tag.strip()) > MAX_TAG for tag in (field.data or "").split(";")):
            raise ValidationError(_l("Each tag may have at most %(count)d characters.",
                                     count=MAX_TAG))

    def fill(self, sections, types, original_language: str = "en"):
        """The choices of the section, type and time-frame lists, and the labels of the two
        text fields naming their language (`original_language`: the accord's)."""
        from ..domain.bilingual import other
        from ..i18n import LANGUAGE_NAMES, TIME_FRAMES, section_option, type_option

        self.text.label.text = str(_l("Text (original, %(language)s)",
                                      language=LANGUAGE_NAMES[original_language]))
        self.text_translated.label.text = str(_l("Text in %(language)s (translation)",
                                                 language=LANGUAGE_NAMES[other(
                                                     original_language)]))

        self.section.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(s.id), section_option(s)) for s in sections]
        self.provision_type.choices = [SelectChoice("", "—")] + [
            SelectChoice(t.code, type_option(t)) for t in types]
        self.time_frame.choices = [SelectChoice("", "—")] + [
            SelectChoice(key, str(label)) for key, label in TIME_FRAMES.items()]
