"""Form pieces shared by several blueprints, and the form base every form derives from.

`FlaskForm` here is Flask-WTF's form with the input rule of `domain.text` put in front of
every field's own filters: text normalised (NFC, line breaks, no control characters; one-line
values stripped), passwords checked but never altered, whole numbers bounded to what the
database holds.
A refused value becomes that field's error (the form answers 400), so no view ever sees
text the database could not store.
"""
from __future__ import annotations

from flask_wtf import FlaskForm as _BaseForm
from wtforms import IntegerField, PasswordField, TextAreaField

from .domain import text as rule
from .i18n import translate


def _translated(check):
    """`check` with its ValueError(Message) turned into the reader's language (a field
    error must be a plain string)."""
    def run(value):
        try:
            return check(value)
        except ValueError as exc:
            raise ValueError(translate(exc.args[0])) from None
    return run


def _text(multiline: bool):
    def clean(value):
        if not isinstance(value, str):
            return value
        text = rule.clean_text(value, multiline=multiline)
        # One-line values never mean their outer spaces; a blank one is an empty one (so an
        # Optional select given " " is "not chosen", not a value no choice has).
        return text if multiline else text.strip()
    return _translated(clean)


def _secret(value):
    return rule.clean_secret(value) if isinstance(value, str) else value


def _integer(value):
    return rule.check_int(value) if isinstance(value, int) else value


class RecordNumberField(IntegerField):
    """The number of a stored record (ids from 1): a number the database cannot hold names
    no record, as 0 or a negative one does (its view then says so), not a range error."""


def _record_number(value):
    return value if not isinstance(value, int) or (
        rule.DB_INT_MIN <= value <= rule.DB_INT_MAX) else 0


def input_filter(field_class):
    """The normalising filter for a field class (applied before the field's own filters)."""
    if issubclass(field_class, PasswordField):
        return _translated(_secret)
    if issubclass(field_class, RecordNumberField):
        return _record_number
    if issubclass(field_class, IntegerField):
        return _translated(_integer)
    return _text(multiline=issubclass(field_class, TextAreaField))


class FlaskForm(_BaseForm):
    """Flask-WTF's form, each field's input passed through `domain.text` first."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [input_filter(unbound_field.field_class),
                       *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, **{**options, "filters": filters})


def unkept_file(field) -> str | None:
    """The name of the file a posted file field carried (None for any other field, or when
    no file was chosen). A form shown again after a POST was refused: a browser cannot
    refill a file input, so every file field that carried a file says so, at the field and
    in the error summary (`_forms.html`), with this name; unless the file itself was refused
    (the field has errors of its own): choosing the same file again would not help."""
    from werkzeug.datastructures import FileStorage

    data = getattr(field, "data", None)
    if getattr(field, "type", None) == "FileField" and isinstance(data, FileStorage) \
            and not field.errors:
        return data.filename or None
    return None


def error_text(form) -> str:
    """Every field error of a validated form as one line ("Label: reason; ..."), for views
    that answer a refused POST with an error page rather than the form."""
    parts = []
    for field in form:
        for error in field.errors:
            parts.append(f"{field.label.text}: {error}" if field.label.text else str(error))
    return "; ".join(parts)


class EmptyForm(FlaskForm):
    """A one-button POST (logout, language switch): CSRF token only."""
