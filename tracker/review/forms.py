from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length


class ReviewForm(FlaskForm):
    reason = StringField(_l("Reason (required to reject)"), validators=[Length(max=1000)])
    verify = SubmitField(_l("Verify"))
    reject = SubmitField(_l("Reject"))
