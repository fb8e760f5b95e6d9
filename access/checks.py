"""Start-up check: every app's menu declaration names a right that access.rights has (a typo is an error at
start-up, not an entry that silently never shows)."""

from django.core import checks


@checks.register()
def menu_declarations(app_configs=None, **kwargs):
    from .menu import check_declarations

    return [checks.Error(problem, id="access.E001") for problem in check_declarations()]
