"""Flask extensions, created unbound here and wired by init_app in create_app."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None  # the login page says why by itself
limiter = Limiter(key_func=get_remote_address)
#: Methods no rate limit applies to: limits guard form posts (the login), never reads.
UNLIMITED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Spare every read the limiter's per-request work (resolving the limits of its
    endpoint, about a third of a millisecond): no limit is set on a read."""
    from flask import request

    return request.method in UNLIMITED_METHODS


def limit_writes_only(app) -> None:
    """Run the limiter's check before a request only for methods a limit may apply to: the
    check it registers itself resolves the endpoint's limits and exemptions before its
    request filter can spare a read (about 10 us a request). Call after `limiter.init_app`."""
    from flask import request

    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return

    def _check_writes():
        if request.method not in UNLIMITED_METHODS:
            check()

    hooks[hooks.index(check)] = _check_writes


csrf = CSRFProtect()
