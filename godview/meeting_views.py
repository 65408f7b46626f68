"""Recording meetings: start one (from the growth review or the pod page), record each client's
note and decisions as the leader steps through, and read past meetings. Scope: `meeting_pods`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from clients.meeting_services import meeting_note_record, meeting_start
from clients.models import Client
from godview.meetings import (
    MEETINGS_PER_PAGE,
    MeetingNoteForm,
    MeetingStartForm,
    meeting_notes,
    meeting_pods,
    meetings_in_scope,
    pod_meetings,
)


def _review_url(pod_id: int, meeting_id: int, index: int = 0) -> str:
    return f"{reverse('growth_review')}?{urlencode({'pod': pod_id, 'meeting': meeting_id, 'i': index})}"


def _index(request: HttpRequest) -> int:
    try:
        return max(0, int(request.POST.get("i", 0)))
    except ValueError:
        return 0


@require_POST
def meeting_begin(request: HttpRequest, pk: int) -> HttpResponse:
    """Start recording a growth review or pod meeting of pod `pk`; the review steps through its clients."""
    pod = get_object_or_404(meeting_pods(request.user), pk=pk)
    form = MeetingStartForm(request.POST, pod=pod)
    if not form.is_valid():
        return render(request, "godview/meeting_start.html", {"pod": pod, "form": form}, status=422)
    meeting = meeting_start(pod=pod, by=request.user, **form.cleaned_data)
    return redirect(_review_url(pod.pk, meeting.pk))


@require_POST
def meeting_note(request: HttpRequest, pk: int, client_pk: int) -> HttpResponse:
    """This meeting's note and decisions on one client; then the next client of the review."""
    meeting = get_object_or_404(meetings_in_scope(request.user).select_related("pod"), pk=pk)
    client = get_object_or_404(
        Client.objects.visible_to(request.user).select_related("account_manager"),
        pk=client_pk,
        account_manager__pod=meeting.pod,
    )
    form = MeetingNoteForm(request.POST, pod=meeting.pod)
    context = {"meeting": meeting, "client": client, "index": _index(request), "pod": meeting.pod}
    if form.is_valid():
        try:
            meeting_note_record(
                meeting=meeting,
                client=client,
                note=form.cleaned_data["note"],
                decisions=form.decisions(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        return render(request, "godview/growth_review.html#meeting-note", context | {"note_form": form}, status=422)
    messages.success(request, _("Note recorded for %(client)s.") % {"client": client.name})
    following = _review_url(meeting.pod_id, meeting.pk, _index(request) + 1)
    return HttpResponseClientRedirect(following) if request.htmx else redirect(following)


@require_GET
def pod_meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The pod's past meetings, a page at a time (the pod page loads it lazily)."""
    pod = get_object_or_404(meeting_pods(request.user), pk=pk)
    page = Paginator(pod_meetings(pod), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "godview/pod_meetings.html", {"pod": pod, "page": page})


@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        meetings_in_scope(request.user).select_related("pod", "recorded_by").prefetch_related("attendees"), pk=pk
    )
    return render(request, "godview/meeting_detail.html", {"meeting": meeting, "notes": meeting_notes(meeting)})
