from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..accounts import MIN_PASSWORD_LENGTH
from ..forms import FlaskForm
from ..models import ROLES


def _choices(pairs):
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


class RoleFields:
    """Role and scope selectors, filled with the accords and sections of the database."""

    def fill(self, accords, sections):
        self.role.choices = _choices((r, r) for r in ROLES)
        self.accord.choices = _choices([("", _l("all accords"))] +
                                       [(a.slug, a.name[:80]) for a in accords])
        self.section.choices = _choices([("", _l("whole accord"))] +
                                        [(s.id, f"{s.code} {s.title}"[:80]) for s in sections])


class UserForm(FlaskForm, RoleFields):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    accord = SelectField(_l("Accord"), validators=[Optional()])
    section = SelectField(_l("Section"), validators=[Optional()])


class GrantForm(FlaskForm, RoleFields):
    role = SelectField(_l("Role"), validators=[DataRequired()])
    accord = SelectField(_l("Accord"), validators=[Optional()])
    section = SelectField(_l("Section"), validators=[Optional()])


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
