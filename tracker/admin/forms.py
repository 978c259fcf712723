from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import i18n
from ..accounts import MIN_PASSWORD_LENGTH, email_problem, email_taken
from ..domain.text import option_label
from ..forms import FlaskForm

#: Roles from least to most power, with their names in the reader's language; the first is
#: the default of a new account (least privilege).
ROLE_NAMES = i18n.ROLE_NAMES


def _choices(pairs):
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


class RoleFields:
    """Role and scope selectors, filled with the accords and sections of the database.
    Every view that renders or reads one of these forms calls `fill` first (a select whose
    choices were filled only on POST renders empty)."""

    def fill(self, accords, sections):
        """Fill the selects: `accords` (Accord rows) and `sections` (Section rows)."""
        self.role.choices = _choices(ROLE_NAMES.items())
        self.accord.choices = _choices([("", _l("all accords"))] +
                                       [(a.slug, option_label(i18n.local(a, "name"))) for a in accords])
        self.section.choices = _choices([("", _l("whole accord"))] +
                                        [(s.id, i18n.section_option(s, 80)) for s in sections])


class UserForm(FlaskForm, RoleFields):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Initial password"),
                             validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH)])
    role = SelectField(_l("Role"), validators=[DataRequired()], default="viewer")
    accord = SelectField(_l("Accord"), validators=[Optional()])
    section = SelectField(_l("Section"), validators=[Optional()])
    confirm_admin = BooleanField(_l("I confirm: this account administers everything "
                                    "(users, roles, every accord)"))

    #: Whether the e-mail was refused because another account has it (a 409 when it is the
    #: form's only error).
    email_taken = False

    def validate_email(self, field):
        """The account service's own check (`accounts.email_problem`), with the others."""
        problem = email_problem(field.data or "")
        if problem is not None:
            self.email_taken = email_taken(problem)
            raise ValidationError(i18n.translate(problem))


class GrantForm(FlaskForm, RoleFields):
    """Another role for an existing account. The role starts unchosen, so pressing Grant
    without choosing grants nothing (400)."""

    role = SelectField(_l("Role"), validators=[DataRequired()], default="")
    accord = SelectField(_l("Accord"), validators=[Optional()])
    section = SelectField(_l("Section"), validators=[Optional()])
    confirm_admin = BooleanField(_l("confirm, if the role is administrator"))

    def fill(self, accords, sections):
        """As `RoleFields.fill`, the role list opening on "choose a role"."""
        super().fill(accords, sections)
        self.role.choices = [SelectChoice("", str(_l("choose a role…")))] + self.role.choices


class OrganizationForm(FlaskForm):
    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
