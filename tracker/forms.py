"""Form pieces shared by several blueprints."""
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A one-button POST (logout, language switch): CSRF token only."""
