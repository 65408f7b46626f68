"""Access control that cannot be forgotten: every URL pattern × every role, with the status each
must get. A new URL that is not in MATRIX fails the suite until someone decides who may see it.

The world: pod A (pod lead, `am`, designer) owns client "mine"; pod B (`other_am`) owns client
"theirs". Object URLs point at pod A's objects, so `other_am` is the outsider who must get 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tasks.tests.factories import TaskFactory

pytestmark = pytest.mark.django_db

ROLES = ("leader", "pod_lead", "am", "other_am", "designer", "admin", "anonymous")
EVERYONE = dict.fromkeys(ROLES[:-1], 200) | {"anonymous": 302}
LEADERSHIP = {
    "leader": 200,
    "admin": 200,
    "pod_lead": 404,
    "am": 404,
    "other_am": 404,
    "designer": 404,
    "anonymous": 302,
}
POD_A = {"leader": 200, "admin": 200, "pod_lead": 200, "am": 200, "designer": 200, "other_am": 404, "anonymous": 302}
PUBLIC = dict.fromkeys(ROLES, 200)
WRITE_422 = dict.fromkeys(ROLES, 404) | {"pod_lead": 422, "am": 422, "anonymous": 302}
NOBODY = dict.fromkeys(ROLES, 404) | {"anonymous": 302}
# Handoff ticks and deliverables (issue 20): whoever acts on the client (its AM, the pod lead, leadership).
ACTS = POD_A | {"designer": 404}


def handoff_item(world: dict):
    from clients.models import Handoff, HandoffItem

    handoff, _ = Handoff.objects.get_or_create(
        client=world["client"], defaults={"sold_by": "Nadia", "promised": "Leads"}
    )
    return HandoffItem.objects.get_or_create(handoff=handoff, position=1, defaults={"text": "Read the scope"})[0]


def deliverable(world: dict):
    from clients.models import TierDeliverable

    return TierDeliverable.objects.get_or_create(tier=world["client"].tier, title="Executive report")[0]


@dataclass(frozen=True)
class Case:
    expect: dict[str, int]
    kwargs: str | Callable[[dict], dict] = ""  # a world key whose pk fills <pk>, or world -> kwargs
    method: str = "get"
    data: dict = field(default_factory=dict)


# Every named URL outside the admin.
MATRIX: dict[str, Case] = {
    "healthz": Case(PUBLIC),
    "login": Case(dict.fromkeys(ROLES[:-1], 302) | {"anonymous": 200}),
    "logout": Case(dict.fromkeys(ROLES, 302), method="post"),
    # Languages (issue 17): the menu's choice and the JavaScript catalog, before login too.
    "choose_language": Case(dict.fromkeys(ROLES, 302), method="post", data={"language": "fr"}),
    "javascript_catalog": Case(PUBLIC),
    "dashboard": Case(EVERYONE),
    # The AM workspace: everyone reads in scope; AMs and pod leads write for pod A's client
    # (empty posts are 422/400: permitted but invalid); leadership and other pods' people 404.
    "my_clients": Case(EVERYONE),
    "my_week": Case(EVERYONE),
    "reviews_segment": Case(EVERYONE),
    "client_workspace": Case(POD_A, kwargs="client"),
    "client_health_note": Case(POD_A, kwargs="client"),
    "week_summary": Case(POD_A, kwargs="client"),
    "client_review": Case(POD_A, kwargs=lambda w: {"pk": w["client"].pk, "year": 2026, "quarter": 4}),
    "goal_row": Case(POD_A, kwargs="goal"),
    "workspace_form": Case(WRITE_422, kwargs=lambda w: {"pk": w["client"].pk, "kind": "contact"}, method="post"),
    "goal_postpone": Case(WRITE_422, kwargs="goal", method="post"),
    "goal_cancel": Case(WRITE_422, kwargs="goal", method="post"),
    "objective_progress": Case(WRITE_422, kwargs="objective", method="post"),
    "tactic_close": Case(WRITE_422, kwargs="tactic", method="post"),
    "experiment_close": Case(WRITE_422 | {"designer": 422}, kwargs="experiment", method="post"),
    "kickoff_toggle": Case(WRITE_422 | {"pod_lead": 400, "am": 400}, kwargs="kickoff", method="post"),
    "kickoff_move": Case(WRITE_422 | {"pod_lead": 400, "am": 400}, kwargs="kickoff", method="post"),
    "waiting_end": Case(WRITE_422, kwargs="waiting", method="post"),
    "log_hours": Case(WRITE_422 | {"designer": 422}, kwargs="client", method="post"),
    # The pod lead marks the goal done first; the AM's repeat is a 409, not a second record.
    "goal_done": Case(WRITE_422 | {"pod_lead": 200, "am": 409}, kwargs="goal", method="post"),
    "training": Case(EVERYONE),
    "training_export": Case(EVERYONE),
    "training_person": Case(POD_A | {"designer": 404}, kwargs="person"),
    "training_panel": Case(EVERYONE),
    "training_results": Case(EVERYONE),
    "training_module": Case(EVERYONE, kwargs="module"),
    "sync": Case(LEADERSHIP),
    "sync_export": Case(LEADERSHIP, kwargs=lambda w: {"table": "runs"}),
    "sync_now": Case(
        LEADERSHIP | {"leader": 302, "admin": 302}, kwargs=lambda w: {"source_id": w["source"].pk}, method="post"
    ),
    # God-view (issue 3): AMs see their own clients; pod pages and reviews are for leads and up.
    "dashboard_widget": Case(EVERYONE, kwargs=lambda w: {"name": "warnings"}),
    "client_list": Case(EVERYONE),
    "client_detail": Case(POD_A, kwargs="client"),
    "client_history": Case(LEADERSHIP, kwargs="client"),
    "goal_list": Case(EVERYONE),
    # The rows behind the task and NRR tiles, and the glossary (issue 18): scoped lists, open to all.
    "task_list": Case(EVERYONE),
    "retention": Case(EVERYONE),
    "glossary": Case(EVERYONE),
    "search": Case(EVERYONE),
    "saved_views": Case(LEADERSHIP),
    "saved_view_delete": Case(NOBODY | {"admin": 302}, kwargs="saved_view", method="post"),  # its author only
    "pod_detail": Case(LEADERSHIP | {"pod_lead": 200}, kwargs="pod"),
    "person_detail": Case(POD_A | {"designer": 404}, kwargs="person"),
    "review_queue": Case(LEADERSHIP | {"pod_lead": 200}),
    # Only a client in the queue can be decided on; the world's client is not, so 404 for all.
    "review_decide": Case(NOBODY, kwargs="client", method="post", data={"verdict": "risk_score", "reason": "Checked"}),
    "growth_review": Case(LEADERSHIP | {"pod_lead": 200}),
    # The health lab (issue 15): agency-wide figures, for leadership only.
    "lab": Case(LEADERSHIP),
    "lab_export": Case(LEADERSHIP),
    "lab_clients": Case(LEADERSHIP),
    "lab_whatif": Case(LEADERSHIP),
    # Churn, the revolving door and capacity (issue 16 parts 4-5, issue 20 item 8): leadership
    # for every pod, pod leads for their own; AMs and designers 404.
    "churn": Case(LEADERSHIP | {"pod_lead": 200}),
    "churn_export": Case(LEADERSHIP | {"pod_lead": 200}),
    "revolving_door": Case(LEADERSHIP | {"pod_lead": 200}),
    "revolving_door_rows": Case(LEADERSHIP | {"pod_lead": 200}),
    "capacity": Case(LEADERSHIP | {"pod_lead": 200}),
    "capacity_export": Case(LEADERSHIP | {"pod_lead": 200}),
    "capacity_rows": Case(LEADERSHIP | {"pod_lead": 200}),
    # Actions (issue 14): the queue and its CSV for leadership and pod leads; AMs act on their own
    # clients' actions, pod leads on the pod's, leadership on all (empty posts are 422).
    "action_queue": Case(LEADERSHIP | {"pod_lead": 200}),
    "action_export": Case(LEADERSHIP | {"pod_lead": 200}),
    "action_form": Case(ACTS, kwargs=lambda world: {"pk": world["action"].pk, "verb": "snooze"}),
    "action_done": Case(WRITE_422 | {"leader": 422, "admin": 422}, kwargs="action", method="post"),
    "action_snooze": Case(WRITE_422 | {"leader": 422, "admin": 422}, kwargs="action", method="post"),
    "action_drop": Case(WRITE_422 | {"leader": 422, "admin": 422}, kwargs="action", method="post"),
    # Meeting records (issue 14 part 6): leadership for every pod, pod leads for their own; an
    # empty start or note is 422 (permitted but invalid).
    "pod_meetings": Case(LEADERSHIP | {"pod_lead": 200}, kwargs="pod"),
    "meeting_detail": Case(LEADERSHIP | {"pod_lead": 200}, kwargs="meeting"),
    "meeting_start": Case(NOBODY | {"leader": 422, "admin": 422, "pod_lead": 422}, kwargs="pod", method="post"),
    "meeting_note": Case(
        NOBODY | {"leader": 422, "admin": 422, "pod_lead": 422},
        kwargs=lambda w: {"pk": w["meeting"].pk, "client_pk": w["client"].pk},
        method="post",
    ),
    # The rest of the playbook (issue 20): objectives and next week in scope (a pod or person
    # outside it is 404, tested beside them); targets for leadership and admins; goals' tasks
    # read in scope, written by the client's writers (an empty link unlinks; a task made a goal
    # twice redirects with the reason).
    "objective_list": Case(EVERYONE),
    "objective_tile": Case(EVERYONE),
    "next_week": Case(EVERYONE),
    "target_edit": Case(LEADERSHIP),
    "goal_tasks": Case(POD_A, kwargs="client"),
    "goal_link": Case(WRITE_422 | {"pod_lead": 302, "am": 302}, kwargs="goal", method="post"),
    "goal_from_task": Case(
        WRITE_422 | {"pod_lead": 302, "am": 302},
        kwargs=lambda w: {"pk": TaskFactory(client=w["client"]).pk},
        method="post",
    ),
    # Revenue (issue 16): the screen for leadership and pod leads (finance and the read-only role
    # are tested in test_revenue_views); a client's contract in scope; contracts and renewals are
    # leadership's to record, upsells the AM's and the pod lead's too (empty posts are 422).
    "revenue": Case(LEADERSHIP | {"pod_lead": 200}),
    "revenue_export": Case(LEADERSHIP | {"pod_lead": 200}),
    "revenue_rows": Case(LEADERSHIP | {"pod_lead": 200}),
    "revenue_rows_export": Case(LEADERSHIP | {"pod_lead": 200}),
    "pod_pipeline": Case(LEADERSHIP | {"pod_lead": 200}, kwargs="pod"),
    "person_pipeline": Case(POD_A | {"designer": 404}, kwargs="person"),
    "client_contract": Case(POD_A, kwargs="client"),
    "contract_create": Case(NOBODY | {"leader": 422, "admin": 422}, kwargs="client", method="post"),
    "renewal_record": Case(NOBODY | {"leader": 422, "admin": 422}, kwargs="contract", method="post"),
    "opportunity_create": Case(WRITE_422 | {"leader": 422, "admin": 422}, kwargs="client", method="post"),
    "opportunity_stage": Case(WRITE_422 | {"leader": 422, "admin": 422}, kwargs="opportunity", method="post"),
    # The agency's playbook (issue 20): onboarding, the service format, execution failures, the
    # voice of the client. Everyone reads in scope; writes follow who acts on the client.
    "client_onboarding": Case(POD_A, kwargs="client"),
    "handoff_toggle": Case(ACTS, kwargs=lambda w: {"pk": handoff_item(w).pk}, method="post"),
    "onboarding_list": Case(EVERYONE),
    "onboarding_export": Case(EVERYONE),
    "pod_onboarding": Case(LEADERSHIP | {"pod_lead": 200}, kwargs="pod"),
    "client_service": Case(POD_A, kwargs="client"),
    "deliverable_toggle": Case(
        ACTS, kwargs=lambda w: {"pk": w["client"].pk, "deliverable": deliverable(w).pk}, method="post"
    ),
    "service_list": Case(EVERYONE),
    "service_export": Case(EVERYONE),
    "failure_list": Case(EVERYONE),
    "failure_export": Case(EVERYONE),
    "failure_modules": Case(EVERYONE),
    "person_assignments": Case(POD_A | {"designer": 404}, kwargs="person"),
    "voice_widget": Case(EVERYONE),
    "voice_rows": Case(EVERYONE, data={"problem": "other"}),
    "voice_export": Case(EVERYONE, data={"problem": "other"}),
}


def named_patterns(resolver=None, namespace: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            names += named_patterns(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{namespace}{pattern.name}")
    return names


def test_every_url_pattern_is_in_the_access_matrix():
    missing = sorted(set(named_patterns()) - set(MATRIX))
    assert missing == [], f"Decide who may see these and add them to MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(named_patterns()))
    assert stale == [], f"No longer routed; remove from MATRIX: {stale}"


def url_for(name: str, case: Case, world: dict) -> str:
    if callable(case.kwargs):
        return reverse(name, kwargs=case.kwargs(world))
    return reverse(name, kwargs={"pk": world[case.kwargs].pk} if case.kwargs else None)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_status(client, personas, world, name):
    case = MATRIX[name]
    url = url_for(name, case, world)
    got = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(personas[role])
        got[role] = getattr(client, case.method)(url, case.data).status_code
    assert got == case.expect


def test_the_admin_is_for_staff_only(client, personas):
    for role, user in personas.items():
        client.force_login(user)
        assert client.get("/admin/").status_code == (200 if user.is_staff else 302), role
