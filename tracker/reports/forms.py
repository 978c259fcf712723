from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from ..forms import FlaskForm


class UploadForm(FlaskForm):
    """An update workbook to check; nothing is recorded before the preview is confirmed."""

    workbook = FileField(_l("Update workbook (.xlsx)"),
                         validators=[FileRequired(message=_l("Choose the workbook to upload."))])


class BatchForm(FlaskForm):
    """Confirm or discard a previewed upload: CSRF token only."""
