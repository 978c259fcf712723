"""The publish form (coordinators, from the accord's page)."""
from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from . import services
from .models import MAX_LABEL, MAX_NOTE


class PublishForm(FlaskForm):
    """A new cut-off: label, date, note, and optionally the cut-off it supersedes."""

    label = StringField(_l("Label (e.g. Report 3)"),
                        validators=[DataRequired(), Length(max=MAX_LABEL)])
    as_of = DateField(_l("Cut-off date"), validators=[InputRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE)])
    # Any label is let through to the publication's checks, which say why a cut-off cannot
    # be superseded (already superseded, no such cut-off) instead of "not a valid choice".
    supersedes = SelectField(_l("Supersedes"), validators=[Optional()], validate_choice=False)

    def __init__(self, *args, open_labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.supersedes.choices = [SelectChoice("", "—")] + [
            SelectChoice(label, label) for label in open_labels]


def publish_form(accord, formdata=None) -> PublishForm:
    """The form that publishes a cut-off of `accord`, told the labels of the cut-offs still
    in force (a label may be reused only by one that supersedes it)."""
    listed = services.cutoffs(accord)
    superseded = {c.supersedes_id for c in listed}
    return PublishForm(formdata=formdata,
                       open_labels=[c.label for c in listed if c.id not in superseded])
