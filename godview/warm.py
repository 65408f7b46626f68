"""After the nightly rollup, fill the cache with the agency-wide figures leadership opens first
(default filters), so Monday's first page load is a warm one. The cache is shared (Redis, or the
embedded default's database cache), so the web processes find what the job stored."""

from django.urls import reverse

from accounts.models import Role, User
from godview import performance, selectors, targets
from godview.forms import Filters


def warm_leadership_caches() -> bool:
    leader = User.objects.filter(role=Role.LEADERSHIP, is_active=True).order_by("pk").first()
    if leader is None:
        return False
    filters = Filters()
    clients = selectors.scoped_clients(leader, filters)
    selectors.kpi_strip(leader, filters, reverse("client_list"))
    targets.target_rows()  # the tiles' targets (issue 20)
    snapshots = selectors.scoped_snapshot_weeks(leader, filters)
    for path in ("account_manager__pod_id", "account_manager_id"):
        selectors.board_snapshots(snapshots, clients, filters, path, leader)
    performance.top_performers(clients, filters.today, leader, filters.params(), snapshots)
    return True
