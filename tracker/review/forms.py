from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import Length

from ..forms import FlaskForm


class ReviewForm(FlaskForm):
    reason = StringField(_l("Reason (required to reject)"), validators=[Length(max=1000)])
    verify = SubmitField(_l("Verify"))
    reject = SubmitField(_l("Reject"))
