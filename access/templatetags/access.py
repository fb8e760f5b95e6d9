"""Rights in templates: a button shows exactly when the view would allow it.

    {% load access %}
    {% if user|may:"may_start_project" %}…{% endif %}
    {% may_do user "is_clerk_of" doc as can_edit %}{% if can_edit %}…{% endif %}
"""

from django import template

from access import rights

register = template.Library()


@register.filter
def may(user, name: str) -> bool:
    return rights.get(name)(user)


@register.simple_tag
def may_do(user, name: str, *objs) -> bool:
    return rights.get(name)(user, *objs)
