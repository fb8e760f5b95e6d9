"""`@requires(rights.x)`: a view opens only when the right holds. Anonymous users go to the login page first;
a logged-in user without the right gets 403. The right is kept on the view (`view.required_right`) so the
menu test can check that a menu entry and its page ask the same question."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from . import rights


def _predicate(pred):
    return (rights.get(pred), pred) if isinstance(pred, str) else (pred, pred.__name__)


def requires(pred):
    fn, name = _predicate(pred)
    if rights.RIGHTS.get(name) is not fn:
        raise LookupError(f"{name!r} is not a right of access.rights (mark it @right)")

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not fn(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.required_right = name
        return login_required(checked)

    return decorate


def check(pred, user, *objs) -> None:
    """The same in a view body, for rights on an object: 403 unless `pred(user, *objs)`."""
    fn, _ = _predicate(pred)
    if not fn(user, *objs):
        raise PermissionDenied
