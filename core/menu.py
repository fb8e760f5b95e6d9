"""A menu entry as an app declares it in its AppConfig (`menu = [MenuItem(...)]`); access assembles the
left menu tree from every app's entries (access/menu.py) and shows an entry exactly when its right
(a name in access.rights, the same one the page's `@requires` checks) holds for the user."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MenuItem:
    section: str | tuple[str, ...]  # "采购预算管理", or a path of levels: ("主体管理", "招标人管理", "采购单位")
    label: str
    url_name: str
    right: str                      # a predicate of access.rights, by name
    order: int = 0                  # place among the section's entries (and its subsections)

    @property
    def path(self) -> tuple[str, ...]:
        return (self.section,) if isinstance(self.section, str) else tuple(self.section)
