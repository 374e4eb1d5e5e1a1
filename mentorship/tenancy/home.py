"""The panels of an organisation's home page, assembled from what each app registers.

Like the sidebar (:mod:`.navigation`), the home page does not know the apps: each registers
a panel in its AppConfig.ready with ``register_home_panel(key, func, order)``. ``func(request)``
returns ``(template_name, context)`` when it has something to show the signed-in person, or
None when it has nothing; the page renders the panels that answered, in order, for every
role. A panel reads its own rows in a fixed number of queries (the home page's query budget
covers them all).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    key: str
    func: Callable
    order: int = 50


@dataclass(frozen=True)
class ShownPanel:
    """A panel that answered: its key (the page's anchor), template and context."""

    key: str
    template_name: str
    context: dict[str, Any]


_PANELS: list[HomePanel] = []


def register_home_panel(key, func, order=50):
    if any(panel.key == key for panel in _PANELS):
        return
    _PANELS.append(HomePanel(key, func, order))


def home_panels(request):
    """The panels that have something to show this request's person, in order."""
    shown = []
    for panel in sorted(_PANELS, key=lambda p: (p.order, p.key)):
        answer = panel.func(request)
        if answer is not None:
            template_name, context = answer
            shown.append(ShownPanel(panel.key, template_name, context))
    return shown
