from orgs.models import Role

from .menu import build


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": build(user, request.path), "user_roles": [Role(c).label for c in sorted(user.role_codes)]}
