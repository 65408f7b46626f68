"""Admin for clients' reference data. History (weekly goals, postponements, risk assessments,
contacts, quarterly reviews, revenue events, waiting on client, review decisions) is read-only
here: it is only ever added through the product's own forms, and a mistake is corrected by a new
row, never by editing, moving or deleting one (DESIGN, the Admin row of the roles table). Clients
are never deleted either: a client that leaves is churned, and its history stays."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clients import imports
from clients.admin_imports import CsvImportMixin
from clients.models import (
    Action,
    Client,
    Contact,
    Contract,
    DeliverableCheck,
    EarlyWarning,
    Experiment,
    Handoff,
    HandoffItem,
    KickoffItem,
    MeetingDecision,
    MeetingNote,
    MeetingRecord,
    NPSResponse,
    Objective,
    OnboardingTemplate,
    OnboardingTemplateItem,
    Opportunity,
    Play,
    PlayStep,
    Postponement,
    QuarterlyReview,
    RenewalLikelihood,
    RevenueEvent,
    ReviewDecision,
    RiskAssessment,
    Tactic,
    Tier,
    TierDeliverable,
    WaitingPeriod,
    WarningRule,
    WeeklyGoal,
)
from core.admin import BaseAdmin, ReadOnlyAdmin


class TierDeliverableInline(admin.TabularInline):
    model = TierDeliverable
    fields = ("position", "title", "active")
    extra = 1


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_premium", "stale_contact_days", "cadence_days", "cadence_needs_senior")
    search_fields = ("name", "code")
    inlines = [TierDeliverableInline]


# --- the agency's playbook (issue 20): onboarding templates; handoffs and ticks are history ---


class OnboardingTemplateItemInline(admin.TabularInline):
    model = OnboardingTemplateItem
    fields = ("kind", "position", "text", "metric", "baseline", "target")
    extra = 3


@admin.register(OnboardingTemplate)
class OnboardingTemplateAdmin(BaseAdmin):
    list_display = ("name", "tier", "agreed_response_days", "objective_days", "active")
    list_filter = ("active", "tier")
    inlines = [OnboardingTemplateItemInline]


class HandoffItemInline(admin.TabularInline):
    model = HandoffItem
    fields = ("position", "text", "done_on", "done_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    list_display = ("client", "sold_by", "started_on", "template")
    search_fields = ("client__name", "sold_by")
    inlines = [HandoffItemInline]


@admin.register(DeliverableCheck)
class DeliverableCheckAdmin(ReadOnlyAdmin):
    list_display = ("client", "deliverable", "month", "done_on", "done_by")
    list_filter = ("month",)


@admin.register(WarningRule)
class WarningRuleAdmin(admin.ModelAdmin):
    list_display = ("code", "enabled", "threshold", "help_text")
    list_editable = ("enabled", "threshold")
    readonly_fields = ("help_text",)

    def has_add_permission(self, request) -> bool:
        return False  # the rules are the product's; admins tune them

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class KickoffItemInline(admin.TabularInline):
    model = KickoffItem
    fields = ("position", "text", "done_on")
    extra = 0
    max_num = 10


class ObjectiveInline(admin.TabularInline):
    model = Objective
    fields = ("title", "metric", "baseline", "target", "current_value", "start_date", "due_date", "status")
    extra = 0
    show_change_link = True


@admin.register(Client)
class ClientAdmin(BaseAdmin):
    list_display = ("name", "tier", "account_manager", "mrr", "currency", "lifecycle_stage", "started_on", "churned_on")
    list_filter = ("tier", "lifecycle_stage", "account_manager__pod", "churn_reason")
    list_select_related = ("tier", "account_manager")
    search_fields = ("name", "account_manager__username", "account_manager__last_name")
    autocomplete_fields = ("account_manager", "tier")
    date_hierarchy = "started_on"
    inlines = [KickoffItemInline, ObjectiveInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a client that leaves is churned; its history is never deleted

    fieldsets = (
        (None, {"fields": ("name", "tier", "account_manager", "website")}),
        (_("Revenue"), {"fields": ("mrr", "currency", "monthly_hours_budget")}),
        (
            _("Lifecycle"),
            {
                "fields": (
                    "lifecycle_stage",
                    "started_on",
                    "expectation_agreement_signed_on",
                    "agreed_response_days",
                    "churned_on",
                    "churn_reason",
                )
            },
        ),
    )


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "metric", "baseline", "current_value", "target", "due_date", "status", "origin")
    list_filter = ("status", "origin")
    list_select_related = ("client",)
    search_fields = ("title", "client__name", "metric")
    autocomplete_fields = ("client", "created_by")


@admin.register(WeeklyGoal)
class WeeklyGoalAdmin(ReadOnlyAdmin):
    list_display = ("title", "client", "owner", "week_start", "deadline", "status", "done_at", "recreated_as")
    list_filter = ("status", "week_start")
    list_select_related = ("client", "owner")
    search_fields = ("title", "client__name", "owner__username")
    date_hierarchy = "week_start"


@admin.register(WaitingPeriod)
class WaitingPeriodAdmin(ReadOnlyAdmin):
    list_display = ("client", "waiting_for", "started_on", "ended_on", "goal", "recorded_by")
    list_select_related = ("client", "goal", "recorded_by")
    search_fields = ("client__name", "waiting_for")


@admin.register(Postponement)
class PostponementAdmin(ReadOnlyAdmin):
    list_display = ("original", "target_week", "reason", "postponed_by", "postponed_at")
    list_select_related = ("original", "postponed_by")
    search_fields = ("original__title", "reason")


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("client", "score", "communication_level", "assessed_by", "assessed_at")
    list_filter = ("score", "communication_level")
    list_select_related = ("client", "assessed_by")
    search_fields = ("client__name", "note")
    date_hierarchy = "assessed_at"


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(ReadOnlyAdmin):
    list_display = ("client", "verdict", "health_score", "decided_by", "decided_at")
    list_select_related = ("client", "decided_by")
    search_fields = ("client__name", "reason")


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ("client", "rule", "reason", "fired_on", "resolved_on", "notified_at")
    list_filter = ("rule", "resolved_on")
    list_select_related = ("client",)
    search_fields = ("client__name", "reason")


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("client", "contacted_on", "channel", "who", "sentiment", "logged_by")
    list_filter = ("channel", "sentiment")
    list_select_related = ("client", "logged_by")
    search_fields = ("client__name", "who", "summary")
    date_hierarchy = "contacted_on"


@admin.register(QuarterlyReview)
class QuarterlyReviewAdmin(ReadOnlyAdmin):
    list_display = ("client", "year", "quarter", "status", "submitted_at", "submitted_by")
    list_filter = ("status", "year", "quarter")
    list_select_related = ("client", "submitted_by")
    search_fields = ("client__name",)


@admin.register(Tactic)
class TacticAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "owner", "started_on", "ended_on", "outcome")
    list_filter = ("outcome",)
    list_select_related = ("client", "owner")
    search_fields = ("title", "client__name")
    autocomplete_fields = ("client", "owner")


@admin.register(Experiment)
class ExperimentAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "owner", "started_on", "ended_on", "outcome", "confidence")
    list_filter = ("outcome",)
    list_select_related = ("client", "owner")
    search_fields = ("title", "client__name")
    autocomplete_fields = ("client", "owner")


@admin.register(NPSResponse)
class NPSResponseAdmin(admin.ModelAdmin):
    list_display = ("client", "score", "respondent", "responded_on")
    list_filter = ("score",)
    list_select_related = ("client",)
    search_fields = ("client__name", "comment", "respondent")
    autocomplete_fields = ("client", "recorded_by")


@admin.register(RevenueEvent)
class RevenueEventAdmin(CsvImportMixin, ReadOnlyAdmin):
    """History, read-only; new events come from the product's forms or the CSV import."""

    list_display = ("client", "kind", "amount", "occurred_on", "recorded_by")
    list_filter = ("kind",)
    list_select_related = ("client", "recorded_by")
    search_fields = ("client__name", "note")
    date_hierarchy = "occurred_on"
    import_title = _("Import revenue events")
    import_columns = _(
        "Columns (first line): client (the name) or client_id, kind (new, expansion, contraction, churn), amount "
        "(the MRR change; a churn takes the client's whole MRR), date, and optionally note and churn_reason "
        "(required for a churn: price, value, competitor, sponsor_left, delivery, in_house, business_closed, other)."
    )
    import_preview = staticmethod(imports.revenue_events_preview)
    import_apply = staticmethod(imports.revenue_events_import)


@admin.register(Contract)
class ContractAdmin(CsvImportMixin, BaseAdmin):
    """Reference data: a client's terms. An outcome, once recorded, is changed by a new revenue event."""

    list_display = (
        "client",
        "starts_on",
        "renews_on",
        "committed_mrr",
        "notice_days",
        "auto_renew",
        "outcome",
        "outcome_on",
    )
    list_filter = ("outcome", "auto_renew", "client__account_manager__pod")
    list_select_related = ("client",)
    search_fields = ("client__name",)
    autocomplete_fields = ("client",)
    date_hierarchy = "renews_on"
    readonly_fields = (
        "outcome",
        "outcome_on",
        "outcome_mrr",
        "outcome_note",
        "revenue_event",
        "outcome_by",
        "created_by",
    )
    exclude = ("created_at",)
    import_title = _("Import contracts")
    import_columns = _(
        "Columns (first line): client (the name) or client_id, start, renewal_date, committed_mrr, and optionally "
        "notice_days (default 30) and auto_renew (yes/no). A client and start already stored updates that "
        "contract while its renewal is still open."
    )
    import_preview = staticmethod(imports.contracts_preview)
    import_apply = staticmethod(imports.contracts_import)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.outcome


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ("title", "client", "stage", "expected_mrr", "owner", "identified_on", "closed_on")
    list_filter = ("stage",)
    list_select_related = ("client", "owner")
    search_fields = ("title", "client__name")


@admin.register(RenewalLikelihood)
class RenewalLikelihoodAdmin(BaseAdmin):
    """The renewal forecast's likelihood per current risk score (DESIGN defaults shipped by migration)."""

    list_display = ("risk", "percent")
    list_editable = ("percent",)
    list_display_links = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PlayStepInline(admin.TabularInline):
    model = PlayStep
    fields = ("position", "title", "due_offset_days")
    extra = 1


@admin.register(Play)
class PlayAdmin(BaseAdmin):
    """One play per early-warning rule (the data migration ships them); admins edit the steps."""

    list_display = ("name", "rule")
    inlines = [PlayStepInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    """History: what the agency did about each signal, never edited or deleted here."""

    list_display = ("title", "client", "owner", "due_on", "status", "origin", "rule", "closed_at")
    list_filter = ("status", "origin", "rule")
    list_select_related = ("client", "owner")
    search_fields = ("title", "client__name")
    date_hierarchy = "due_on"


# Meeting records are history: read-only here (a trigger refuses changes too, migration 0013).
class MeetingNoteInline(admin.TabularInline):
    model = MeetingNote
    fields = ("client", "note", "recorded_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MeetingRecord)
class MeetingRecordAdmin(ReadOnlyAdmin):
    list_display = ("held_on", "kind", "pod", "recorded_by")
    list_filter = ("kind", "pod")
    list_select_related = ("pod", "recorded_by")
    inlines = [MeetingNoteInline]


@admin.register(MeetingDecision)
class MeetingDecisionAdmin(ReadOnlyAdmin):
    list_display = ("text", "note", "owner", "due_on", "action")
    list_select_related = ("note__client", "note__meeting__pod", "owner", "action__client")
    search_fields = ("text", "note__client__name")
