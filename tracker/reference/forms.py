"""Forms of the reference-set administration page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional


class ImportForm(FlaskForm):
    """A data set file to load as a new set, or to replace an existing one with."""

    file = FileField(_l("Data set file (.csv or .xlsx)"),
                     validators=[FileRequired(message=_l("Choose the file to load."))])
    label = StringField(_l("Label (optional; a PAM_ID file is labelled PAM_ID and its version, "
                           "e.g. PAM_ID v1.5)"),
                        validators=[Optional(), Length(max=80)])


class ReplaceForm(FlaskForm):
    """A file to replace a set with; `accept_losses` replaces it even when the file lacks
    data the set holds (its citation, yearly totals, ...), which is otherwise refused."""

    file = FileField(_l("Replacement file (.csv or .xlsx)"),
                     validators=[FileRequired(message=_l("Choose the file to load."))])
    accept_losses = BooleanField(_l("Replace even though this is lost"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("Yes, delete this set and its accords"),
                           validators=[DataRequired(message=_l(
                               "Tick the box to confirm the deletion."))])


class DefaultForm(FlaskForm):
    """Make a set the default: CSRF token only."""
