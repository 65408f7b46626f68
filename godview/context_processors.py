"""What every page's frame needs: the navigation a role sees and the person's open-action count."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from clients.models import Action
from core.chart_locale import chart_locale

# (url name, label, who sees it); a screen is listed once its URL exists.
NAVIGATION = (
    ("dashboard", _("God-view"), None),
    ("my_clients", _("My clients"), {Role.ACCOUNT_MANAGER, Role.POD_LEAD}),
    ("action_queue", _("Actions"), {Role.LEADERSHIP, Role.POD_LEAD}),
    ("growth_review", _("Growth review"), {Role.LEADERSHIP, Role.POD_LEAD}),
    ("revenue", _("Revenue"), {Role.LEADERSHIP, Role.POD_LEAD, Role.FINANCE, Role.VIEWER}),
    ("training", _("Training"), None),
    ("sync", _("Sync"), {Role.LEADERSHIP}),
    ("churn", _("Churn"), {Role.LEADERSHIP, Role.POD_LEAD}),
    ("capacity", _("Capacity"), {Role.LEADERSHIP, Role.POD_LEAD}),
    ("lab", _("Health lab"), {Role.LEADERSHIP}),
)


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAVIGATION:
        if roles is not None and user.role not in roles and not user.is_superuser:
            continue
        if name == "dashboard" and user.role == Role.FINANCE:
            continue  # finance's home is the revenue screen (no client workspace)
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url))}
        )
    return {"nav_items": items}


def open_actions(request: HttpRequest) -> dict:
    """The person's open actions, counted once and only when a template shows the count: a
    partial that never reads it costs no query (the top bar is on full pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted: list[int] = []

    def count() -> int:
        if not counted:
            counted.append(open_action_count(user))
        return counted[0]

    return {"open_action_count": count}


def open_action_count(user: User) -> int:
    """One query on the (owner, status, due) index."""
    return Action.objects.filter(owner=user, status=Action.Status.OPEN).count()


def charts(request: HttpRequest) -> dict:
    """The plotly locale of the page's language, built only when a template shows it."""
    return {"chart_locale": chart_locale}
