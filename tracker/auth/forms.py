from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..accounts import MIN_PASSWORD_LENGTH
from ..forms import FlaskForm


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(), EqualTo("new", message=_l("The two passwords differ."))])
