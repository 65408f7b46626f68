"""Meeting records on the growth review and the pod page: who may record them, the forms, and
what the screens read. Leadership records for every pod, pod leads for their own; others 404."""

import datetime as dt

from django import forms
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Pod, Role, User
from clients.meeting_services import Decision
from clients.models import Client, MeetingDecision, MeetingNote, MeetingRecord
from core.weeks import today

DECISION_ROWS = 3
MEETINGS_PER_PAGE = 10


def meeting_pods(user: User) -> QuerySet[Pod]:
    """The pods whose meetings `user` records and reads: all for leadership, a pod lead's own."""
    if user.sees_everything:
        return Pod.objects.all()
    if user.role == Role.POD_LEAD and user.pod_id:
        return Pod.objects.filter(pk=user.pod_id)
    return Pod.objects.none()


def meetings_in_scope(user: User) -> QuerySet[MeetingRecord]:
    return MeetingRecord.objects.filter(pod__in=meeting_pods(user))


def meeting_people(pod: Pod) -> QuerySet[User]:
    """Who can attend or own a decision: the pod's people and leadership."""
    return User.objects.filter(Q(pod=pod) | Q(role=Role.LEADERSHIP), is_active=True).order_by("first_name", "pk")


def pod_meetings(pod: Pod) -> QuerySet[MeetingRecord]:
    """A pod's past meetings, newest first, with their attendees and how many clients were noted."""
    return (
        pod.meetings.select_related("recorded_by")
        .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("first_name", "pk")))
        .annotate(note_count=Count("notes"))
        .order_by("-held_on", "-pk")
    )


def meeting_notes(meeting: MeetingRecord) -> QuerySet[MeetingNote]:
    return (
        meeting.notes.select_related("client")
        .prefetch_related(Prefetch("decisions", queryset=MeetingDecision.objects.select_related("owner", "action")))
        .order_by("client__name")
    )


class MeetingStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting"), choices=MeetingRecord.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, pod: Pod, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = meeting_people(pod)
        self.fields["held_on"].initial = today()

    def clean_held_on(self) -> dt.date:
        held_on = self.cleaned_data["held_on"]
        if held_on > today():
            raise forms.ValidationError(_("A meeting is recorded on or after the day it was held."))
        return held_on


class MeetingNoteForm(forms.Form):
    """A note and up to three decisions; a decision with an owner and a due date becomes an action."""

    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, pod: Pod, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = meeting_people(pod)
        for n in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{n}"] = forms.CharField(label=_("Decision"), max_length=200, required=False)
            self.fields[f"owner_{n}"] = forms.ModelChoiceField(label=_("Owner"), queryset=people, required=False)
            self.fields[f"due_{n}"] = forms.DateField(
                label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def rows(self) -> list[tuple]:
        """(decision, owner, due) bound fields per row, for the template."""
        return [(self[f"decision_{n}"], self[f"owner_{n}"], self[f"due_{n}"]) for n in range(1, DECISION_ROWS + 1)]

    def clean(self) -> dict:
        data = super().clean()
        for n in range(1, DECISION_ROWS + 1):
            text, owner, due = data.get(f"decision_{n}"), data.get(f"owner_{n}"), data.get(f"due_{n}")
            if (owner or due) and not text:
                self.add_error(f"decision_{n}", _("Say what was decided."))
            elif bool(owner) != bool(due):
                self.add_error(
                    f"due_{n}" if owner else f"owner_{n}", _("An action needs both an owner and a due date.")
                )
            elif due and due < today():
                self.add_error(f"due_{n}", _("Choose a due date from today on."))
        return data

    def decisions(self) -> list[Decision]:
        data = self.cleaned_data
        return [
            Decision(data[f"decision_{n}"], data.get(f"owner_{n}"), data.get(f"due_{n}"))
            for n in range(1, DECISION_ROWS + 1)
            if data.get(f"decision_{n}")
        ]


def review_meeting(request: HttpRequest, pod: Pod, client: Client | None) -> dict:
    """The growth review's meeting part: the meeting being recorded (`?meeting=`), this client's note
    in it or the form for one; or the form that starts a meeting."""
    raw = request.GET.get("meeting")
    if not raw:
        kind = request.GET.get("kind")
        initial = {"kind": kind} if kind in MeetingRecord.Kind.values else {}
        return {"start_form": MeetingStartForm(pod=pod, initial=initial)}
    try:
        meeting = meetings_in_scope(request.user).get(pk=int(raw), pod=pod)
    except (ValueError, MeetingRecord.DoesNotExist):
        raise Http404 from None
    note = meeting_notes(meeting).filter(client=client).first() if client else None
    return {"meeting": meeting, "note": note, "note_form": MeetingNoteForm(pod=pod) if note is None else None}
