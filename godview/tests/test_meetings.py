"""Meeting records (issue 14 part 6): the growth review and the pod meeting keep, per client, a
note and decisions; a decision with an owner and a due date is an action."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clients.models import Action, MeetingDecision, MeetingNote, MeetingRecord
from clients.tests.factories import ClientFactory
from core.weeks import today

pytestmark = pytest.mark.django_db


def start(client, pod, kind="growth_review", attendees=()) -> MeetingRecord:
    response = client.post(
        reverse("meeting_start", args=[pod.pk]),
        {"kind": kind, "held_on": today().isoformat(), "attendees": [a.pk for a in attendees]},
    )
    assert response.status_code == 302, response.content
    meeting = MeetingRecord.objects.latest("pk")
    assert response["Location"] == f"/review/?pod={pod.pk}&meeting={meeting.pk}&i=0"
    return meeting


def note_url(meeting, target) -> str:
    return reverse("meeting_note", args=[meeting.pk, target.pk])


def test_a_decision_with_an_owner_and_a_due_date_becomes_an_action(client, leader, am, pod_lead):
    mine = ClientFactory(account_manager=am, name="Mine")
    client.force_login(leader)
    meeting = start(client, am.pod, attendees=[leader, pod_lead])
    due = today() + dt.timedelta(days=7)
    response = client.post(
        note_url(meeting, mine),
        {"i": "0", "note": "Sponsor is unsure about value.", "decision_1": "Send a value recap",
         "owner_1": am.pk, "due_1": due.isoformat(), "decision_2": "Keep the cadence"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith("&i=1")
    note = MeetingNote.objects.get(meeting=meeting, client=mine)
    assert note.note == "Sponsor is unsure about value." and note.recorded_by == leader
    owned, plain = note.decisions.order_by("pk")
    assert plain.action is None and plain.text == "Keep the cadence"
    action = owned.action
    assert (action.title, action.owner, action.due_on, action.origin, action.status, action.created_by) == (
        "Send a value recap", am, due, Action.Origin.MEETING, Action.Status.OPEN, leader
    )  # fmt: skip
    assert set(meeting.attendees.all()) == {leader, pod_lead}


def test_an_action_needs_both_an_owner_and_a_due_date_and_nothing_is_kept_half(client, leader, am):
    mine = ClientFactory(account_manager=am)
    client.force_login(leader)
    meeting = start(client, am.pod)
    response = client.post(
        note_url(meeting, mine), {"note": "x", "decision_1": "Call", "owner_1": am.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "An action needs both an owner and a due date." in response.content.decode()
    assert "<html" not in response.content.decode()
    assert not MeetingNote.objects.exists() and not Action.objects.exists()


def test_a_meeting_notes_each_client_once(client, leader, am):
    mine = ClientFactory(account_manager=am)
    client.force_login(leader)
    meeting = start(client, am.pod)
    assert client.post(note_url(meeting, mine), {"note": "First"}).status_code == 302
    response = client.post(note_url(meeting, mine), {"note": "Second", "decision_1": "X", "owner_1": am.pk,
                                                      "due_1": today().isoformat()})  # fmt: skip
    assert response.status_code == 422
    assert list(MeetingNote.objects.values_list("note", flat=True)) == ["First"]
    assert not Action.objects.exists()  # the refused note's decision made no action


def test_an_htmx_note_sends_the_leader_on_to_the_next_client(client, leader, am):
    mine = ClientFactory(account_manager=am)
    client.force_login(leader)
    meeting = start(client, am.pod)
    response = client.post(note_url(meeting, mine), {"i": "3", "note": "Fine"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/review/?pod={am.pod.pk}&meeting={meeting.pk}&i=4"


def test_meeting_history_cannot_be_changed_or_deleted(leader, am):
    meeting = MeetingRecord.objects.create(pod=am.pod, held_on=today(), recorded_by=leader)
    note = MeetingNote.objects.create(meeting=meeting, client=ClientFactory(account_manager=am), note="Kept")
    for change in (
        lambda: MeetingRecord.objects.filter(pk=meeting.pk).update(held_on=today() - dt.timedelta(days=3)),
        lambda: MeetingNote.objects.filter(pk=note.pk).update(note="Rewritten"),
        lambda: note.delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    assert MeetingNote.objects.get(pk=note.pk).note == "Kept"


def test_a_pod_lead_records_only_their_own_pods_meetings(client, pod_lead, other_am, am):
    theirs = ClientFactory(account_manager=other_am)
    client.force_login(pod_lead)
    other_meeting = MeetingRecord.objects.create(pod=other_am.pod, held_on=today())
    assert client.post(reverse("meeting_start", args=[other_am.pod.pk]), {"kind": "pod_meeting"}).status_code == 404
    assert client.post(note_url(other_meeting, theirs), {"note": "Peek"}).status_code == 404
    assert client.get(reverse("meeting_detail", args=[other_meeting.pk])).status_code == 404
    assert client.get(reverse("growth_review") + f"?pod={am.pod.pk}&meeting={other_meeting.pk}").status_code == 404
    # Their own pod's meeting cannot take a note on another pod's client either.
    own = start(client, am.pod)
    assert client.post(note_url(own, theirs), {"note": "Peek"}).status_code == 404
    assert not MeetingNote.objects.exists()


def test_a_meeting_cannot_be_dated_in_the_future(client, leader, pod):
    client.force_login(leader)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("meeting_start", args=[pod.pk]), {"kind": "pod_meeting", "held_on": tomorrow})
    assert response.status_code == 422 and not MeetingRecord.objects.exists()


def test_the_review_records_as_it_steps_and_shows_what_is_recorded(client, leader, am):
    first = ClientFactory(account_manager=am, name="A first")
    ClientFactory(account_manager=am, name="B second")
    client.force_login(leader)
    page = client.get(reverse("growth_review") + f"?pod={am.pod.pk}").content.decode()
    assert "Record this review as a meeting" in page
    meeting = start(client, am.pod)
    review = reverse("growth_review") + f"?pod={am.pod.pk}&meeting={meeting.pk}"
    page = client.get(review + "&i=0").content.decode()
    assert 'id="meeting-note"' in page and note_url(meeting, first) in page
    assert f"meeting={meeting.pk}&amp;i=1" in page  # the step links keep the meeting
    client.post(note_url(meeting, first), {"note": "Renewal talk in May"})
    page = client.get(review + "&i=0").content.decode()
    assert "Renewal talk in May" in page and note_url(meeting, first) not in page


def test_the_pod_page_offers_a_pod_meeting_and_the_review_preselects_it(client, leader, am):
    client.force_login(leader)
    page = client.get(reverse("pod_detail", args=[am.pod.pk])).content.decode()
    link = f"{reverse('growth_review')}?pod={am.pod.pk}&amp;kind=pod_meeting"
    assert link in page and reverse("pod_meetings", args=[am.pod.pk]) in page
    review = client.get(link.replace("&amp;", "&")).content.decode()
    assert '<option value="pod_meeting" selected>' in review


def meetings(pod, n: int) -> None:
    for i in range(n):
        MeetingRecord.objects.create(pod=pod, held_on=today() - dt.timedelta(days=i))


def test_past_meetings_are_listed_on_the_pod_page_newest_first_a_page_at_a_time(client, leader, pod, other_pod):
    meetings(pod, 12)
    meetings(other_pod, 1)
    client.force_login(leader)
    url = reverse("pod_meetings", args=[pod.pk])
    first = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "12 recorded" in first and "Page 1 of 2" in first and "<html" not in first
    assert first.count('href="/meetings/') == 10
    assert today().strftime("%-d %b") in first  # short_date: the year only when it is not this year
    second = client.get(url + "?page=2").content.decode()
    assert second.count('href="/meetings/') == 2


@pytest.mark.parametrize("size", [1, 12])
def test_the_pod_meeting_list_costs_the_same_queries_at_any_size(client, leader, am, size, django_assert_num_queries):
    meetings(am.pod, size)
    for meeting in MeetingRecord.objects.all():
        meeting.attendees.set([leader, am])
    client.force_login(leader)
    client.get("/goals/")  # the session write of the first request is not counted
    # session, user, the pod, the meetings counted for the paginator, the page of them (recorder
    # joined, notes counted), their attendees
    with django_assert_num_queries(6):
        response = client.get(reverse("pod_meetings", args=[am.pod.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_a_meeting_note_and_its_decisions_appear_on_the_clients_timeline(client, leader, am):
    mine = ClientFactory(account_manager=am)
    client.force_login(leader)
    meeting = start(client, am.pod, kind="pod_meeting")
    client.post(note_url(meeting, mine), {"note": "Budget freeze until Q3", "decision_1": "Offer a smaller scope",
                                          "owner_1": am.pk, "due_1": today().isoformat()})  # fmt: skip
    page = client.get(reverse("client_detail", args=[mine.pk])).content.decode()
    assert "Pod meeting: Pod A" in page and "Budget freeze until Q3" in page
    assert "Offer a smaller scope" in page and reverse("meeting_detail", args=[meeting.pk]) in page
    client.force_login(am)  # the AM sees the note, not a link to a record outside their scope
    page = client.get(reverse("client_detail", args=[mine.pk])).content.decode()
    assert "Budget freeze until Q3" in page and reverse("meeting_detail", args=[meeting.pk]) not in page


def test_meeting_records_are_read_only_in_admin(client, admin_user, am):
    meeting = MeetingRecord.objects.create(pod=am.pod, held_on=today())
    client.force_login(admin_user)
    assert client.get("/admin/clients/meetingrecord/add/").status_code == 403
    assert client.post(f"/admin/clients/meetingrecord/{meeting.pk}/delete/", {"post": "yes"}).status_code == 403
    assert MeetingDecision.objects.count() == 0 and MeetingRecord.objects.filter(pk=meeting.pk).exists()
