"""Actions and plays (issue 14): services, the nightly plays and wake-ups, history kept, the
audit trail, Today, the action queue and its figures, scope and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clients import action_services as services
from clients.action_selectors import QueueFilters, priority, queue_figures, today_list
from clients.models import Action, EarlyWarning, Play, RiskAssessment, WarningRule, add_business_days
from clients.tests.factories import ClientFactory, TierFactory
from core.models import AuditEntry
from core.weeks import today

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def warning(client, rule="stale_contact", days_ago=0, reason="No contact for 20 days") -> EarlyWarning:
    return EarlyWarning.objects.create(
        client=client, rule=rule, reason=reason, fired_on=today() - dt.timedelta(days=days_ago)
    )


def action(client, **fields) -> Action:
    fields.setdefault("title", "Call the main contact")
    fields.setdefault("due_on", today())
    return Action.objects.create(client=client, owner=fields.pop("owner", client.account_manager), **fields)


def token() -> str:
    import uuid

    return str(uuid.uuid4())


# --- plays ----------------------------------------------------------------------------------


def test_every_early_warning_rule_ships_with_a_play_of_dated_steps():
    plays = {play.rule: list(play.steps.all()) for play in Play.objects.prefetch_related("steps")}
    assert set(plays) == set(WarningRule.Code.values)
    assert all(steps and all(s.title for s in steps) for steps in plays.values())
    stale = [(s.title, s.due_offset_days) for s in plays["stale_contact"]]
    assert stale == [("Call the main contact", 2), ("Send a value recap of the last month", 5)]


def test_business_days_skip_the_weekend():
    friday = dt.date(2026, 11, 27)
    assert add_business_days(friday, 1) == dt.date(2026, 11, 30)
    assert add_business_days(friday, 5) == dt.date(2026, 12, 4)
    assert add_business_days(dt.date(2026, 11, 28), 0) == dt.date(2026, 11, 30)


def test_a_firing_starts_its_play_once_however_often_the_rollup_runs(am):
    client = ClientFactory(account_manager=am)
    fired = warning(client)
    day = today()
    made = services.plays_start(day, [(client.pk, "stale_contact")])
    assert [(a.title, a.due_on, a.owner_id, a.warning_id) for a in made] == [
        ("Call the main contact", add_business_days(day, 2), am.pk, fired.pk),
        ("Send a value recap of the last month", add_business_days(day, 5), am.pk, fired.pk),
    ]
    services.plays_start(day, [(client.pk, "stale_contact")])  # the same day again
    services.plays_start(day + dt.timedelta(days=1), [(client.pk, "stale_contact")], on=day)  # the next day
    assert Action.objects.filter(client=client).count() == 2


def test_a_firing_whose_play_was_carried_out_does_not_get_it_again(am):
    client = ClientFactory(account_manager=am)
    warning(client)
    for made in services.plays_start(today(), [(client.pk, "stale_contact")]):
        services.action_done(action=made, outcome="Called them")
    assert services.plays_start(today(), [(client.pk, "stale_contact")]) == []


def test_a_backfill_of_old_days_hands_out_no_work():
    client = ClientFactory()
    warning(client, days_ago=30)
    assert services.plays_start(today() - dt.timedelta(days=30), [(client.pk, "stale_contact")]) == []


def test_the_nightly_rollup_starts_plays_and_wakes_snoozed_actions(am):
    from godview.rollup import rollup_day

    client = ClientFactory(account_manager=am)  # never contacted: stale contact fires
    sleeper = action(client, title="Later", status="snoozed", snooze_reason="Holiday", wake_on=today())
    rollup_day(today())
    rollup_day(today())  # a rerun duplicates nothing
    sleeper.refresh_from_db()
    assert (sleeper.status, sleeper.wake_on) == ("open", None)
    played = Action.objects.filter(client=client, origin="play", rule="stale_contact")
    assert played.count() == Play.objects.get(rule="stale_contact").steps.count()


# --- services -------------------------------------------------------------------------------


def test_an_action_is_owned_by_the_clients_am_unless_someone_is_named(am, pod_lead):
    client = ClientFactory(account_manager=am)
    assert services.action_create(client=client, title="Book the QBR", due_on=today()).owner == am
    assert services.action_create(client=client, title="Book", due_on=today(), owner=pod_lead).owner == pod_lead


def test_done_records_the_outcome_and_a_closed_action_stays_closed(am):
    done = services.action_done(action=action(ClientFactory(account_manager=am)), outcome="Booked a call", by=am)
    assert (done.status, done.outcome_note, done.closed_by) == ("done", "Booked a call", am)
    assert done.closed_at is not None
    with pytest.raises(ValidationError, match="already done"):
        services.action_drop(action=done, reason="Changed my mind")


@pytest.mark.parametrize("reason", ["", "  ", "ok", "\u200b\u200b\u200b\u200b", "!!!"])
def test_snoozing_and_dropping_need_a_real_reason(am, reason):
    item = action(ClientFactory(account_manager=am))
    with pytest.raises(ValidationError):
        services.action_drop(action=item, reason=reason)
    with pytest.raises(ValidationError):
        services.action_snooze(action=item, reason=reason, wake_on=today() + dt.timedelta(days=3))
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize(("days", "ok"), [(0, False), (1, True), (30, True), (31, False), (-2, False)])
def test_a_snooze_wakes_within_thirty_days(am, days, ok):
    item = action(ClientFactory(account_manager=am))
    wake = today() + dt.timedelta(days=days)
    if ok:
        snoozed = services.action_snooze(action=item, reason="On holiday", wake_on=wake)
        assert (snoozed.status, snoozed.wake_on) == ("snoozed", wake)
    else:
        with pytest.raises(ValidationError):
            services.action_snooze(action=item, reason="On holiday", wake_on=wake)


def test_a_closed_action_is_never_deleted_but_an_open_one_may_be(am):
    client = ClientFactory(account_manager=am)
    done = services.action_done(action=action(client), outcome="Booked a call")
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        Action.objects.filter(pk=done.pk).delete()
    action(client, title="Typo").delete()
    assert Action.objects.filter(pk=done.pk).exists()


def test_every_change_of_an_action_is_in_the_audit_trail(am):
    item = action(ClientFactory(account_manager=am))
    services.action_snooze(action=item, reason="On holiday", wake_on=today() + dt.timedelta(days=2))
    entries = AuditEntry.objects.filter(model="action", object_id=str(item.pk)).order_by("pk")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries.last().changes["status"] == ["open", "snoozed"]


def test_the_admin_shows_actions_read_only(client, admin_user, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(admin_user)
    assert client.get(reverse("admin:clients_action_change", args=[item.pk])).status_code == 200
    assert client.post(reverse("admin:clients_action_delete", args=[item.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:clients_play_changelist")).status_code == 200


# --- priority and Today ---------------------------------------------------------------------


def test_priority_weighs_risk_times_mrr_with_a_step_for_premium():
    assert priority(1, Decimal("1000"), False) == 4000
    assert priority(2, Decimal("1000"), False) == 3000
    assert priority(3, Decimal("1000"), True) == 2000
    assert priority(4, Decimal("1000"), False) == 0
    assert priority(None, Decimal("1000"), False) == 2000


def test_today_lists_due_actions_and_new_firings_in_priority_order(am, other_am):
    small = ClientFactory(account_manager=am, name="Small", mrr=Decimal("1000"))
    big = ClientFactory(account_manager=am, name="Big", mrr=Decimal("9000"))
    tie_a = ClientFactory(account_manager=am, name="Tie A", mrr=Decimal("500"))
    tie_b = ClientFactory(account_manager=am, name="Tie B", mrr=Decimal("500"))
    quiet = ClientFactory(account_manager=am, name="Quiet")
    RiskAssessment.objects.create(client=small, score=1, communication_level=2, reasons=["no_contact"])
    action(small, due_on=today())
    warning(big, reason="Risk score 2")  # a new firing, no action yet
    action(tie_a, due_on=today() - dt.timedelta(days=2))
    action(tie_b, due_on=today() - dt.timedelta(days=5))  # the older overdue action wins the tie
    action(quiet, due_on=today() + dt.timedelta(days=3))  # not due: not in Today
    warning(quiet, days_ago=10)  # an old firing: not new
    action(ClientFactory(account_manager=other_am), due_on=today())
    rows = today_list(am)
    assert [r.client.name for r in rows] == ["Big", "Small", "Tie B", "Tie A"]
    assert rows[0].reasons == ["Risk score 2"] and rows[0].new_firing


def test_today_heads_my_clients_with_one_click_forms(client, am):
    item = action(ClientFactory(account_manager=am, name="Acme"), title="Call Acme's CMO")
    client.force_login(am)
    body = client.get(reverse("my_clients")).content.decode()
    assert body.index('id="today-list"') < body.index('id="client-list"')
    assert "Call Acme&#x27;s CMO" in body
    # Each verb's button fetches its form when first opened: the page renders none of them.
    assert 'name="outcome"' not in body and 'name="form_token"' not in body
    for verb in ("done", "snooze", "drop"):
        url = reverse("action_form", args=[item.pk, verb])
        assert f'hx-get="{url}"' in body
        form = client.get(url, **HX).content.decode()
        assert "<html" not in form and f'hx-post="{reverse(f"action_{verb}", args=[item.pk])}"' in form
        assert 'name="form_token"' in form


def test_an_unknown_verb_has_no_form(client, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(am)
    assert client.get(reverse("action_form", args=[item.pk, "delete"]), **HX).status_code == 404


def test_marking_done_from_today_swaps_the_item_and_announces_it(client, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(am)
    response = client.post(
        reverse("action_done", args=[item.pk]), {"outcome": "Booked the QBR", "form_token": token()}, **HX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "actionsChanged"
    assert "<html" not in response.content.decode() and "Booked the QBR" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "done"


def test_a_bad_snooze_answers_422_with_the_message_and_keeps_what_was_typed(client, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(am)
    far = (today() + dt.timedelta(days=45)).isoformat()
    response = client.post(
        reverse("action_snooze", args=[item.pk]),
        {"reason": "Client on holiday", "wake_on": far, "form_token": token()},
        **HX,
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Snooze at most 30 days" in body and "Client on holiday" in body and far in body
    item.refresh_from_db()
    assert item.status == "open"


def test_dropping_without_a_reason_is_refused_with_a_clear_message(client, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(am)
    response = client.post(reverse("action_drop", args=[item.pk]), {"reason": "\u200b", "form_token": token()}, **HX)
    assert response.status_code == 422
    assert "Say why the action is dropped" in response.content.decode()


def test_a_double_submit_saves_once(client, am):
    item = action(ClientFactory(account_manager=am))
    client.force_login(am)
    data = {"outcome": "Booked the QBR", "form_token": token()}
    assert client.post(reverse("action_done", args=[item.pk]), data, **HX).status_code == 200
    assert client.post(reverse("action_done", args=[item.pk]), data, **HX).status_code == 409


def test_people_act_on_actions_in_their_scope_only(client, personas, am, other_am):
    item = action(ClientFactory(account_manager=am))
    url = reverse("action_drop", args=[item.pk])
    for role in ("other_am", "designer"):
        client.force_login(personas[role])
        assert client.post(url, {"reason": "Not needed", "form_token": token()}).status_code == 404, role
    client.force_login(personas["leader"])
    assert client.post(url, {"reason": "Not needed", "form_token": token()}, **HX).status_code == 200


# --- the action queue -----------------------------------------------------------------------


def test_the_queue_is_for_leadership_and_pod_leads(client, personas):
    for role, status in {"leader": 200, "pod_lead": 200, "am": 404, "designer": 404, "other_am": 404}.items():
        client.force_login(personas[role])
        assert client.get(reverse("action_queue")).status_code == status, role
        assert client.get(reverse("action_export")).status_code == status, role


def test_a_pod_lead_sees_only_the_pods_actions(client, pod_lead, am, other_am):
    action(ClientFactory(account_manager=am, name="Ours"))
    action(ClientFactory(account_manager=other_am, name="Theirs"))
    client.force_login(pod_lead)
    body = client.get(reverse("action_queue")).content.decode()
    assert "Ours" in body and "Theirs" not in body


def test_the_queue_orders_by_priority_and_filters_stay_in_the_url(client, leader, am, other_am):
    premium = TierFactory(code="premium", name="Premium", is_premium=True, stale_contact_days=7)
    low = ClientFactory(account_manager=am, name="Low", mrr=Decimal("1000"))
    high = ClientFactory(account_manager=other_am, name="High", mrr=Decimal("1000"), tier=premium)
    action(low, title="Low's action", rule="stale_contact", origin="play")
    action(high, title="High's action", due_on=today() - dt.timedelta(days=1))
    client.force_login(leader)
    body = client.get(reverse("action_queue")).content.decode()
    assert body.index("High&#x27;s action") < body.index("Low&#x27;s action")
    filtered = client.get(reverse("action_queue"), {"rule": "stale_contact"}).content.decode()
    assert "Low&#x27;s action" in filtered and "High&#x27;s action" not in filtered
    assert "High&#x27;s action" not in client.get(reverse("action_queue"), {"am": am.pk}).content.decode()
    overdue = client.get(reverse("action_queue"), {"overdue": "on"}).content.decode()
    assert "High&#x27;s action" in overdue and "Low&#x27;s action" not in overdue
    page = client.get(
        reverse("action_queue"), {"rule": "stale_contact", "page": 1}, HTTP_HX_TARGET="queue-table", **HX
    ).content.decode()
    assert "<html" not in page and 'id="queue-table"' in page
    assert client.get(reverse("action_queue"), {"status": "nonsense"}).status_code == 400


def test_the_csv_has_the_queues_columns(client, leader, am):
    c = ClientFactory(account_manager=am, name="=Acme", mrr=Decimal("2000"))
    RiskAssessment.objects.create(client=c, score=2, communication_level=2, reasons=["no_contact"])
    action(c, title="Call", rule="risk_score", origin="play")
    client.force_login(leader)
    lines = b"".join(client.get(reverse("action_export")).streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == "client,owner,rule or origin,title,due,status,priority,mrr,risk score"
    assert lines[1].startswith("'=Acme,") and lines[1].endswith(f",Call,{today()},Open,6000.00,2000.00,2")


def test_the_queue_figures_match_a_count_by_hand(am, leader):
    on = today()
    monday = on - dt.timedelta(days=on.weekday())
    client = ClientFactory(account_manager=am)
    now = timezone.now()
    action(client, due_on=on)  # open, not overdue
    action(client, due_on=on - dt.timedelta(days=3))  # open, overdue
    first = warning(client)
    second = warning(client, rule="risk_score")
    third = warning(client, rule="nps_detractor")
    # Firing 1: its first step (due on) done in time. Firing 2: done after its first due date.
    # Firing 3: first due date in the future, nothing done yet: not counted.
    in_time = action(client, origin="play", warning=first, due_on=on, created_at=now - dt.timedelta(days=2))
    services.action_done(action=in_time, outcome="Called them")
    late = action(
        client, origin="play", warning=second, due_on=on - dt.timedelta(days=4), created_at=now - dt.timedelta(days=6)
    )
    services.action_done(action=late, outcome="Called them late")
    action(client, origin="play", warning=third, due_on=on + dt.timedelta(days=3))
    dropped = action(client, created_at=now - dt.timedelta(days=1))
    services.action_drop(action=dropped, reason="Not needed")
    last_week = timezone.make_aware(dt.datetime.combine(monday, dt.time())) - dt.timedelta(days=1)
    action(client, status="done", outcome_note="Done", created_at=now - dt.timedelta(days=20), closed_at=last_week)
    figures = queue_figures(leader, QueueFilters(), on)
    # Open: two by hand, the late-but-open-due none, plus the third firing's step → 3; overdue: 1.
    assert (figures.open, figures.overdue) == (3, 1)
    assert figures.done_this_week == 2  # in_time and late; `old` closed last week
    # Days to close: in_time 2, late 6, dropped 1, old ~(20 − days since last Sunday) → median of four.
    durations = sorted(
        (a.closed_at - a.created_at).total_seconds() / 86400
        for a in Action.objects.filter(status__in=["done", "dropped"])
    )
    assert figures.median_days_to_close == round((durations[1] + durations[2]) / 2, 1)
    assert (figures.firings_acted_on, figures.firings_played, figures.acted_on_share) == (1, 2, 50)


@pytest.mark.parametrize("size", [3, 15])
def test_the_queue_costs_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    for n in range(size):
        c = ClientFactory(account_manager=am)
        RiskAssessment.objects.create(client=c, score=1 + n % 4, communication_level=2, reasons=["no_contact"])
        action(c, due_on=today() - dt.timedelta(days=n % 3))
        services.action_done(action=action(c), outcome="Done and dusted")
    client.force_login(leader)
    # session, user, the figures (counts, close times, firings), the page's count and rows, the
    # filter form's pods and people, the top bar's open-action count
    with django_assert_num_queries(10):
        assert client.get(reverse("action_queue")).status_code == 200


@pytest.mark.parametrize("size", [3, 15])
def test_today_costs_the_same_queries_at_any_size(am, size, django_assert_num_queries):
    for n in range(size):
        c = ClientFactory(account_manager=am)
        warning(c)
        action(c, due_on=today() - dt.timedelta(days=n % 3))
    # open warnings of my clients, the actions, the clients with their risk
    with django_assert_num_queries(3):
        assert len(today_list(am)) == size
