"""Role scopes of DESIGN ("People"): who sees which clients.

Every client-scoped QuerySet's `visible_to(user)` builds on `client_scope(user, prefix)`, so the
rule lives in one place. Out-of-scope objects are simply absent, which views turn into 404.

Two roles see without working on clients (issue 20, item 10): **finance** records revenue events,
contracts and imports and sees the revenue screens, but has no client workspace (its client scope
is empty; `revenue_scope` is everything); the **read-only** role (marketing, an advisor) sees what
leadership sees and can write nothing (every `can_*` below is False for it).
"""

from django.db.models import Q

from accounts.models import Pod, Role, User

NOTHING = Q(pk__in=[])


def client_scope(user: User, prefix: str = "") -> Q:
    """The Q that keeps the clients `user` may see; `prefix` reaches Client from another model."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.reads_everything:
        return Q()
    if user.role == Role.FINANCE:
        return NOTHING
    if user.role in (Role.POD_LEAD, Role.DESIGNER):
        if user.pod_id is None:
            return Q(**{f"{prefix}account_manager": user})
        return Q(**{f"{prefix}account_manager__pod": user.pod_id}) | Q(**{f"{prefix}account_manager": user})
    return Q(**{f"{prefix}account_manager": user})


def people_scope(user: User) -> Q:
    """The people whose person page and metrics `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.reads_everything:
        return Q()
    if user.role == Role.POD_LEAD and user.pod_id is not None:
        return Q(pod=user.pod_id) | Q(pk=user.pk)
    return Q(pk=user.pk)


def can_see_person(user: User, person_id: int | None, pod_id: int | None) -> bool:
    """Whether `user` may open the person page of `person_id` (in `pod_id`): `people_scope`, in Python."""
    if person_id is None or not user.is_authenticated or not user.is_active:
        return False
    if user.sees_everything or person_id == user.pk:
        return True
    return user.role == Role.POD_LEAD and user.pod_id is not None and pod_id == user.pod_id


def visible_pods(user: User):
    """The pods whose page `user` may open: all of them for those who read everything, a pod lead's own."""
    if user.reads_everything:
        return Pod.objects.all()
    if user.role == Role.POD_LEAD and user.pod_id:
        return Pod.objects.filter(pk=user.pod_id)
    return Pod.objects.none()


def can_see_pod(user: User, pod_id: int | None) -> bool:
    """Whether `user` may open the pod page: leadership every pod, a pod lead their own."""
    if pod_id is None or not user.is_authenticated or not user.is_active:
        return False
    return user.sees_everything or (user.role == Role.POD_LEAD and user.pod_id == pod_id)


def can_write_client_work(user: User, client) -> bool:
    """AMs write for their own clients, pod leads for their pod's; leadership only reads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if client.account_manager_id == user.pk:
        return True
    if user.role == Role.POD_LEAD and user.pod_id is not None:
        return client.account_manager is not None and client.account_manager.pod_id == user.pod_id
    return False


def can_add_goal(user: User, client) -> bool:
    """As for client work; leadership too, but only to correct a past week's record (with a reason)."""
    return can_write_client_work(user, client) or (user.is_authenticated and user.is_active and user.sees_everything)


def can_log_hours(user: User, client) -> bool:
    """Everyone who works on the client logs time: its AM, the pod lead, the pod's designer."""
    return can_write_experiments(user, client)


def can_write_experiments(user: User, client) -> bool:
    """Designers record experiments for their pod's clients (AMs and pod leads may too)."""
    if user.role == Role.DESIGNER and user.pod_id is not None:
        return client.account_manager is not None and client.account_manager.pod_id == user.pod_id
    return can_write_client_work(user, client)


def can_record_revenue(user: User) -> bool:
    """Revenue events, contracts and renewal outcomes: leadership, finance and admins."""
    if not user.is_authenticated or not user.is_active or user.role == Role.VIEWER:
        return False
    return user.sees_everything or user.is_staff or user.role == Role.FINANCE


def revenue_scope(user: User, prefix: str = "") -> Q:
    """The clients whose revenue `user` sees: finance sees all of it (and no client workspace);
    everyone else the clients they see anyway."""
    if user.is_authenticated and user.is_active and user.role == Role.FINANCE:
        return Q()
    return client_scope(user, prefix)


def sees_revenue_screen(user: User) -> bool:
    """/revenue/: leadership, finance, the read-only role and pod leads (their pod's figures)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.reads_everything or user.role in (Role.FINANCE, Role.POD_LEAD)


def can_record_opportunity(user: User, client) -> bool:
    """Upsells: AMs for their own clients, pod leads for the pod's, leadership for any."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.sees_everything or can_write_client_work(user, client)


def can_act_on(user: User, client) -> bool:
    """Actions: AMs act on their own clients', pod leads on the pod's, leadership on all."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.sees_everything or can_write_client_work(user, client)


def sees_action_queue(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.sees_everything or user.role == Role.POD_LEAD)
