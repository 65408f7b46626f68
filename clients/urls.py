"""The AM workspace's forms and actions (the screens that show the health signal are godview.workspace)."""

from django.urls import path

from clients import action_views, onboarding_views, revenue_views, service_views, views

urlpatterns = [
    path("clients/<int:pk>/contract/", revenue_views.client_contract, name="client_contract"),
    path("clients/<int:pk>/contract/new/", revenue_views.contract_create, name="contract_create"),
    path("clients/<int:pk>/opportunities/new/", revenue_views.opportunity_create, name="opportunity_create"),
    path("contracts/<int:pk>/renewal/", revenue_views.renewal_record, name="renewal_record"),
    path("opportunities/<int:pk>/stage/", revenue_views.opportunity_stage, name="opportunity_stage"),
    path("my/week/", views.my_week, name="my_week"),
    path("clients/<int:pk>/work/summary.md", views.week_summary, name="week_summary"),
    path("clients/<int:pk>/work/<slug:kind>/", views.client_form, name="workspace_form"),
    path("clients/<int:pk>/reviews/<int:year>/<int:quarter>/", views.client_review, name="client_review"),
    path("reviews/", views.reviews_segment, name="reviews_segment"),
    path("goals/<int:pk>/", views.goal_row, name="goal_row"),
    path("goals/<int:pk>/done/", views.goal_done, name="goal_done"),
    path("goals/<int:pk>/postpone/", views.goal_postpone, name="goal_postpone"),
    path("goals/<int:pk>/cancel/", views.goal_cancel, name="goal_cancel"),
    path("objectives/<int:pk>/progress/", views.objective_progress, name="objective_progress"),
    path("kickoff/<int:pk>/toggle/", views.kickoff_toggle, name="kickoff_toggle"),
    path("kickoff/<int:pk>/move/", views.kickoff_move, name="kickoff_move"),
    path("waiting/<int:pk>/end/", views.waiting_end, name="waiting_end"),
    path("tactics/<int:pk>/close/", views.tactic_close, name="tactic_close"),
    path("experiments/<int:pk>/close/", views.experiment_close, name="experiment_close"),
    path("actions/", action_views.action_queue, name="action_queue"),
    path("actions/export.csv", action_views.action_export, name="action_export"),
    path("actions/<int:pk>/<str:verb>/form/", action_views.action_form, name="action_form"),
    path("actions/<int:pk>/done/", action_views.action_done, name="action_done"),
    path("actions/<int:pk>/snooze/", action_views.action_snooze, name="action_snooze"),
    path("actions/<int:pk>/drop/", action_views.action_drop, name="action_drop"),
    # The agency's playbook (issue 20): handoff and onboarding, the service format.
    path("clients/<int:pk>/onboarding/", onboarding_views.client_onboarding, name="client_onboarding"),
    path("handoff/<int:pk>/toggle/", onboarding_views.handoff_toggle, name="handoff_toggle"),
    path("onboarding/", onboarding_views.onboarding_list, name="onboarding_list"),
    path("onboarding/export.csv", onboarding_views.onboarding_export, name="onboarding_export"),
    path("pods/<int:pk>/onboarding/", onboarding_views.pod_onboarding, name="pod_onboarding"),
    path("clients/<int:pk>/service/", service_views.client_service, name="client_service"),
    path(
        "clients/<int:pk>/service/deliverables/<int:deliverable>/",
        service_views.deliverable_toggle,
        name="deliverable_toggle",
    ),
    path("service/", service_views.service_list, name="service_list"),
    path("service/export.csv", service_views.service_export, name="service_export"),
]
