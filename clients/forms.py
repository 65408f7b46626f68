"""Forms of the AM workspace. None of them has a deadline field: a goal's deadline follows its week.

Every form carries a one-time `form_token` so a double submit cannot create two records (the
view claims the token with the save, once the input is valid; see `core.form_tokens`).
"""

import datetime as dt
import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from clients.models import (
    RISK_SCORE_LABELS,
    ChurnReason,
    Client,
    Contact,
    Objective,
    Outcome,
    QuarterlyReview,
    RevenueEvent,
    RiskReason,
    WeeklyGoal,
)
from clients.services import not_monday, require_reason
from core.text import is_real_text, tidy
from core.weeks import today, week_start

PLAN_AHEAD_WEEKS = 12
CORRECTION_WEEKS = 52  # how far back leadership may add a goal to the record
COMMUNICATION_LABELS = {1: _("Silent"), 2: _("Sporadic"), 3: _("Regular"), 4: _("Open and regular")}


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money(**kwargs) -> forms.DecimalField:
    return forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs)


def value_field(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2)


class TokenMixin:
    """A hidden one-time token; `slug` keeps element ids unique when several forms share a page."""

    slug = "form"

    def _add_token(self) -> None:
        self.fields["form_token"] = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
        self.fields["form_token"].error_messages["required"] = _("This form expired; reload the page and try again.")
        self.fields["form_token"].error_messages["invalid"] = _("This form expired; reload the page and try again.")


class WorkspaceForm(TokenMixin, forms.Form):
    def __init__(self, *args, id_prefix: str = "", **kwargs):
        kwargs.setdefault("auto_id", f"{self.slug}{id_prefix}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._add_token()


def real_reason(text: str, message: str) -> str:
    """A reason with a few visible characters (a zero-width space is none), tidied."""
    return require_reason(text, None, message)


def _not_future(day: dt.date, what: str) -> dt.date:
    if day > today():
        raise forms.ValidationError(_("%(what)s cannot be in the future.") % {"what": what})
    if day < today() - dt.timedelta(days=366):
        raise forms.ValidationError(_("%(what)s is more than a year ago.") % {"what": what})
    return day


def _planning_week(day: dt.date, after: dt.date | None = None) -> dt.date:
    """A Monday from this week up to twelve weeks ahead (and after `after`, when given)."""
    if problem := not_monday(day):
        raise forms.ValidationError(problem)
    this_week = week_start(today())
    if day < this_week:
        raise forms.ValidationError(_("That week has already passed."))
    if day > this_week + dt.timedelta(weeks=PLAN_AHEAD_WEEKS):
        raise forms.ValidationError(_("Plan at most %(n)s weeks ahead.") % {"n": PLAN_AHEAD_WEEKS})
    if after is not None and day <= after:
        raise forms.ValidationError(_("Choose a week after the goal's own week (%(day)s).") % {"day": after})
    return day


class ContactForm(WorkspaceForm):
    slug = "contact"
    contacted_on = forms.DateField(label=_("Date"), widget=date_input(), initial=today)
    channel = forms.ChoiceField(label=_("Channel"), choices=Contact.Channel.choices, initial=Contact.Channel.CALL)
    who = forms.CharField(label=_("Who"), max_length=200, help_text=_("The client's people in the conversation."))
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    sentiment = forms.ChoiceField(
        label=_("Sentiment"), choices=Contact.Sentiment.choices, initial=Contact.Sentiment.NEUTRAL
    )
    problem = forms.ChoiceField(
        label=_("Problem raised"),
        choices=[("", _("None")), *RiskReason.choices],
        required=False,
        help_text=_("For a negative contact: what the client complained about."),
    )
    agency_people = forms.ModelMultipleChoiceField(
        label=_("From the agency"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who from the agency took part (the tier's cadence may need a senior person)."),
    )

    def __init__(self, *args, client: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_people"].queryset = agency_people_for(client)

    def clean_contacted_on(self) -> dt.date:
        return _not_future(self.cleaned_data["contacted_on"], _("The contact date"))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("problem") and data.get("sentiment") != Contact.Sentiment.NEGATIVE:
            self.add_error(
                "problem",
                _("A problem is recorded with a negative contact: set the sentiment to negative or pick none."),
            )
        return data


def agency_people_for(client: Client | None) -> models.QuerySet:
    """Who may have taken part in a contact: leadership and the people of the client's pod."""
    people = User.objects.filter(is_active=True)
    am = client.account_manager if client is not None else None
    if am is None:
        return people.filter(role=Role.LEADERSHIP).order_by("first_name", "username")
    pod = Q(pod=am.pod_id) if am.pod_id else Q(pk=am.pk)
    return people.filter(pod | Q(role=Role.LEADERSHIP) | Q(pk=am.pk)).order_by("first_name", "username")


class RiskForm(WorkspaceForm):
    slug = "risk"
    score = forms.TypedChoiceField(
        label=_("Risk score"),
        coerce=int,
        choices=[(n, format_lazy("{} · {}", n, label)) for n, label in RISK_SCORE_LABELS.items()],
        widget=forms.RadioSelect,
        help_text=_("1 = highest risk, 4 = lowest."),
    )
    communication_level = forms.TypedChoiceField(
        label=_("Communication level"),
        coerce=int,
        choices=[(n, format_lazy("{} · {}", n, label)) for n, label in COMMUNICATION_LABELS.items()],
        widget=forms.RadioSelect,
    )
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=RiskReason.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reasons"].error_messages["required"] = _("Choose at least one risk reason.")


class GoalForm(WorkspaceForm):
    """AMs plan this week and the next twelve; leadership may add a goal to a past week, with a reason."""

    slug = "goal"
    title = forms.CharField(label=_("Goal"), max_length=200)
    week = forms.DateField(label=_("Week (Monday)"), widget=date_input())
    objective = forms.ModelChoiceField(label=_("Objective"), queryset=Objective.objects.none(), required=False)
    shared_with_client = forms.BooleanField(label=_("Shared with the client"), required=False, initial=True)
    late_reason = forms.CharField(
        label=_("Why add it to a past week?"),
        max_length=300,
        required=False,
        help_text=_("Only for a past week; it is shown with the goal."),
    )

    def __init__(self, *args, client: Client, corrects_past: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.corrects_past = corrects_past
        # Only this client's open objectives: another client's id in the POST is refused.
        self.fields["objective"].queryset = client.objectives.filter(status__in=["on_track", "behind"])
        self.fields["objective"].error_messages["invalid_choice"] = _("Choose one of this client's open objectives.")
        self.fields["week"].initial = week_start(today())
        if not corrects_past:
            del self.fields["late_reason"]

    def clean_title(self) -> str:
        title = tidy(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Say what the goal is."))
        return title

    def clean_week(self) -> dt.date:
        day = self.cleaned_data["week"]
        if self.corrects_past:
            if day >= week_start(today()):
                raise forms.ValidationError(_("Leadership corrects past weeks only; the AM plans this week on."))
            if problem := not_monday(day):
                raise forms.ValidationError(problem)
            if day < week_start(today()) - dt.timedelta(weeks=CORRECTION_WEEKS):
                raise forms.ValidationError(_("Correct at most %(n)s weeks back.") % {"n": CORRECTION_WEEKS})
            return day
        return _planning_week(day)

    def clean(self) -> dict:
        data = super().clean()
        week = data.get("week")
        if self.corrects_past and week and week < week_start(today()):
            reason = tidy(data.get("late_reason"))
            if not is_real_text(reason):
                self.add_error("late_reason", _("Say why a goal is added to a past week."))
            data["late_reason"] = reason
        return data


class PostponeForm(WorkspaceForm):
    slug = "postpone"
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    target_week = forms.DateField(label=_("Move to the week of (Monday)"), widget=date_input())

    def __init__(self, *args, goal: WeeklyGoal, **kwargs):
        super().__init__(*args, id_prefix=f"-{goal.pk}", **kwargs)
        self.goal = goal
        self.fields["reason"].error_messages["required"] = _("A postponement needs a reason.")
        self.fields["target_week"].initial = max(goal.week_start, week_start(today())) + dt.timedelta(weeks=1)

    def clean_reason(self) -> str:
        return real_reason(self.cleaned_data["reason"], _("A postponement needs a reason."))

    def clean_target_week(self) -> dt.date:
        return _planning_week(self.cleaned_data["target_week"], after=self.goal.week_start)


class CancelForm(WorkspaceForm):
    slug = "cancel"
    reason = forms.CharField(label=_("Why cancel?"), max_length=300)

    def __init__(self, *args, goal: WeeklyGoal, **kwargs):
        super().__init__(*args, id_prefix=f"-{goal.pk}", **kwargs)
        self.fields["reason"].error_messages["required"] = _("Say why the goal is cancelled.")

    def clean_reason(self) -> str:
        return real_reason(self.cleaned_data["reason"], _("Say why the goal is cancelled."))


class ObjectiveForm(WorkspaceForm):
    slug = "objective"
    title = forms.CharField(label=_("Objective"), max_length=200)
    metric = forms.CharField(label=_("Metric"), max_length=100)
    baseline = value_field(_("Baseline"))
    target = value_field(_("Target"))
    current_value = value_field(_("Current value"))
    start_date = forms.DateField(label=_("Start"), widget=date_input(), initial=today)
    due_date = forms.DateField(label=_("Due"), widget=date_input(), initial=lambda: today() + dt.timedelta(days=90))
    origin = forms.ChoiceField(label=_("From"), choices=Objective.Origin.choices, initial=Objective.Origin.QUARTER)

    def clean(self) -> dict:
        data = super().clean()
        start, due = data.get("start_date"), data.get("due_date")
        if start and due:
            if due <= start:
                self.add_error("due_date", _("The due date must come after the start date."))
            elif (due - start).days > 366:
                self.add_error("due_date", _("An objective spans at most a year."))
        if data.get("target") is not None and data.get("target") == data.get("baseline"):
            self.add_error("target", _("The target must differ from the baseline."))
        return data


class ProgressForm(WorkspaceForm):
    slug = "progress"
    current_value = value_field(_("Current value"))

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, id_prefix=f"-{objective.pk}", **kwargs)


class NPSForm(WorkspaceForm):
    slug = "nps"
    score = forms.IntegerField(label=_("Score (0–10)"), min_value=0, max_value=10)
    responded_on = forms.DateField(label=_("Date"), widget=date_input(), initial=today)
    respondent = forms.CharField(label=_("Respondent"), max_length=200, required=False)
    comment = forms.CharField(
        label=_("Comment"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    problem = forms.ChoiceField(
        label=_("Problem in the comment"),
        choices=[("", _("None")), *RiskReason.choices],
        required=False,
        help_text=_("For a detractor (0–6) with a comment: what the comment is about."),
    )

    def clean_responded_on(self) -> dt.date:
        return _not_future(self.cleaned_data["responded_on"], _("The response date"))

    def clean(self) -> dict:
        data = super().clean()
        score = data.get("score")
        if data.get("problem") and (score is None or score > 6 or not (data.get("comment") or "").strip()):
            self.add_error("problem", _("A problem is recorded for a detractor (0–6) with a comment."))
        return data


class TacticForm(WorkspaceForm):
    slug = "tactic"
    title = forms.CharField(label=_("Tactic"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    started_on = forms.DateField(label=_("Start"), widget=date_input(), initial=today)

    def clean_started_on(self) -> dt.date:
        return _not_future(self.cleaned_data["started_on"], _("The start"))


class ExperimentForm(TacticForm):
    slug = "experiment"
    title = forms.CharField(label=_("Experiment"), max_length=200)
    description = None
    hypothesis = forms.CharField(
        label=_("Hypothesis"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


CLOSING_OUTCOMES = [(value, label) for value, label in Outcome.choices if value != Outcome.PENDING]


class CloseForm(WorkspaceForm):
    slug = "close"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CLOSING_OUTCOMES)
    ended_on = forms.DateField(label=_("End"), widget=date_input(), initial=today)

    def __init__(self, *args, record, **kwargs):
        super().__init__(*args, id_prefix=f"-{type(record).__name__.lower()}-{record.pk}", **kwargs)

    def clean_ended_on(self) -> dt.date:
        day = self.cleaned_data["ended_on"]
        if day > today():
            raise forms.ValidationError(_("The end cannot be in the future."))
        return day


class CloseExperimentForm(CloseForm):
    confidence = forms.DecimalField(
        label=_("Confidence (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        help_text=_("Counts as a win or loss only at or above the threshold."),
    )


class RevenueForm(WorkspaceForm):
    slug = "revenue"
    kind = forms.ChoiceField(label=_("Kind"), choices=RevenueEvent.Kind.choices)
    amount = money(label=_("MRR change"), required=False, help_text=_("Churn uses the client's whole MRR."))
    occurred_on = forms.DateField(label=_("Date"), widget=date_input(), initial=today)
    churn_reason = forms.ChoiceField(label=_("Churn reason"), choices=[("", "—"), *ChurnReason.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_occurred_on(self) -> dt.date:
        return _not_future(self.cleaned_data["occurred_on"], _("The date"))

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == RevenueEvent.Kind.CHURN and not data.get("churn_reason"):
            self.add_error("churn_reason", _("Say why the client churned."))
        if kind and kind != RevenueEvent.Kind.CHURN and not data.get("amount") and "amount" not in self.errors:
            self.add_error("amount", _("Enter the MRR change (more than zero)."))
        return data


class ReviewForm(TokenMixin, forms.ModelForm):
    slug = "review"

    class Meta:
        model = QuarterlyReview
        fields = QuarterlyReview.field_names()
        widgets = {
            "last_value_demonstrated_on": date_input(),
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in QuarterlyReview.field_names()
                if isinstance(QuarterlyReview._meta.get_field(name), models.TextField)
            },
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "review-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._add_token()
        # A positive small integer column holds at most 32767; say so before the database does.
        self.fields["active_stakeholders"].validators.append(MaxValueValidator(10_000))
        self.fields["active_stakeholders"].widget.attrs["max"] = 10_000

    def validate_unique(self) -> None:
        """The service creates the one review per quarter; the form only checks the answers."""

    @property
    def answers(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in QuarterlyReview.field_names()}


class WaitingForm(WorkspaceForm):
    """The agency waits for the client: for what, since when, and on which goal (if one)."""

    slug = "waiting"
    waiting_for = forms.CharField(
        label=_("Waiting for"), max_length=300, help_text=_("e.g. the brand assets, a sign-off")
    )
    started_on = forms.DateField(label=_("Since"), widget=date_input(), initial=today)
    goal = forms.ModelChoiceField(label=_("On the weekly goal"), queryset=WeeklyGoal.objects.none(), required=False)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        monday = week_start(today())
        self.fields["goal"].queryset = client.weekly_goals.filter(
            week_start__gte=monday - dt.timedelta(weeks=2), week_start__lte=monday + dt.timedelta(weeks=2)
        ).order_by("week_start", "pk")
        self.fields["goal"].empty_label = _("— the client as a whole —")
        self.fields["goal"].error_messages["invalid_choice"] = _("Choose one of this client's recent goals.")

    def clean_waiting_for(self) -> str:
        return real_reason(self.cleaned_data["waiting_for"], _("Say what you are waiting for."))

    def clean_started_on(self) -> dt.date:
        return _not_future(self.cleaned_data["started_on"], _("The start of the wait"))


class WaitingEndForm(WorkspaceForm):
    slug = "waiting-end"
    ended_on = forms.DateField(label=_("Ended on"), widget=date_input(), initial=today)

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, id_prefix=f"-{period.pk}", **kwargs)

    def clean_ended_on(self) -> dt.date:
        return _not_future(self.cleaned_data["ended_on"], _("The end of the wait"))


class AgreementForm(WorkspaceForm):
    """The expectation agreement: the client's signed commitment to answer within N business days."""

    slug = "agreement"
    signed_on = forms.DateField(label=_("Signed on"), widget=date_input(), required=False)
    response_days = forms.IntegerField(label=_("Answers within (business days)"), min_value=1, max_value=30, initial=1)

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(
                signed_on=client.expectation_agreement_signed_on, response_days=client.agreed_response_days
            )

    def clean_signed_on(self) -> dt.date | None:
        day = self.cleaned_data["signed_on"]
        if day and day > today():
            raise forms.ValidationError(_("An agreement cannot be signed in the future."))
        return day


class KickoffForm(WorkspaceForm):
    slug = "kickoff"
    text = forms.CharField(label=_("Action item"), max_length=300)

    def clean_text(self) -> str:
        return real_reason(self.cleaned_data["text"], _("Say what the action item is."))
