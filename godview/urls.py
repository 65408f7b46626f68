"""Every address of the site: the apps' own urls, then the God-view screens."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts.language import choose_language
from godview import (
    auth,
    capacity_views,
    churn_views,
    health,
    lab_views,
    meeting_views,
    next_week_views,
    objective_views,
    revenue_views,
    rows,
    saved_views,
    search_views,
    target_views,
    views,
    voice_views,
    workspace,
)

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", choose_language, name="choose_language"),
    # Strings of static/js/*.js in the page's language (djangojs catalogs), for the login page too.
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript_catalog"),
    path("admin/", admin.site.urls),
    # The workspace screens that show the health signal (they read tasks), before clients' own.
    path("my/", workspace.my_clients, name="my_clients"),
    path("clients/<int:pk>/work/", workspace.client_workspace, name="client_workspace"),
    path("clients/<int:pk>/work/health/", workspace.client_health_note, name="client_health_note"),
    path("", include("clients.urls")),
    path("", include("tasks.urls")),
    path("", include("training.urls")),
    path("", views.dashboard, name="dashboard"),
    path("widgets/<slug:name>/", views.dashboard_widget, name="dashboard_widget"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/history/", views.client_history, name="client_history"),
    path("goals/", views.goal_list, name="goal_list"),
    path("tasks/", rows.task_list, name="task_list"),
    path("glossary/", rows.glossary, name="glossary"),
    path("search/", search_views.search_view, name="search"),
    path("views/", saved_views.saved_view_list, name="saved_views"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved_view_delete"),
    path("retention/", rows.retention, name="retention"),
    path("pods/<int:pk>/", views.pod_detail, name="pod_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("review-queue/", views.review_queue_view, name="review_queue"),
    path("review-queue/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("review/", views.growth_review, name="growth_review"),
    # Meeting records (issue 14 part 6): leadership for every pod, pod leads for their own.
    path("pods/<int:pk>/meetings/", meeting_views.pod_meeting_list, name="pod_meetings"),
    path("pods/<int:pk>/meetings/start/", meeting_views.meeting_begin, name="meeting_start"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/notes/<int:client_pk>/", meeting_views.meeting_note, name="meeting_note"),
    # The rest of the agency's playbook (issue 20, items 1, 2 and 9).
    path("objectives/", objective_views.objective_list, name="objective_list"),
    path("objectives/tile/", objective_views.objective_tile, name="objective_tile"),
    path("next-week/", next_week_views.next_week, name="next_week"),
    path("targets/", target_views.target_edit, name="target_edit"),
    path("revenue/", revenue_views.revenue, name="revenue"),
    path("revenue/export.csv", revenue_views.revenue_export, name="revenue_export"),
    path("revenue/rows/", revenue_views.revenue_figure_rows, name="revenue_rows"),
    path("revenue/rows/export.csv", revenue_views.revenue_rows_export, name="revenue_rows_export"),
    path("pods/<int:pk>/pipeline/", revenue_views.pod_pipeline, name="pod_pipeline"),
    path("people/<int:pk>/pipeline/", revenue_views.person_pipeline, name="person_pipeline"),
    # The voice of the client (issue 20): the God-view's region and the rows behind each count.
    path("voice/widget/", voice_views.voice_widget, name="voice_widget"),
    path("voice/", voice_views.voice_rows, name="voice_rows"),
    path("voice/export.csv", voice_views.voice_export, name="voice_export"),
    path("lab/", lab_views.lab, name="lab"),
    path("lab/export.csv", lab_views.lab_export, name="lab_export"),
    path("lab/clients/", lab_views.lab_clients, name="lab_clients"),
    path("lab/what-if/", lab_views.lab_whatif, name="lab_whatif"),
    # Churn, the revolving door and capacity (issue 16 parts 4-5, issue 20 item 8): leadership and pod leads.
    path("churn/", churn_views.churn_analysis, name="churn"),
    path("churn/export.csv", churn_views.churn_export, name="churn_export"),
    path("revolving-door/", churn_views.revolving_door_region, name="revolving_door"),
    path("revolving-door/rows/", churn_views.revolving_door_rows, name="revolving_door_rows"),
    path("capacity/", capacity_views.capacity_view, name="capacity"),
    path("capacity/export.csv", capacity_views.capacity_export, name="capacity_export"),
    path("capacity/rows/", capacity_views.capacity_rows, name="capacity_rows"),
]

handler400 = "godview.views.bad_request"
handler403 = "godview.views.permission_denied"
handler404 = "godview.views.page_not_found"
handler500 = "godview.views.server_error"
