"""The sync page and its Sync now."""

from django.urls import path

from tasks import goal_views, views

urlpatterns = [
    path("sync/", views.sync_page, name="sync"),
    path("sync/sources/<int:source_id>/run/", views.sync_now, name="sync_now"),
    path("sync/export/<slug:table>.csv", views.sync_export, name="sync_export"),
    path("clients/<int:pk>/hours/", views.log_hours, name="log_hours"),
    # Goals where the work lives (issue 20, item 3).
    path("clients/<int:pk>/goal-tasks/", goal_views.goal_tasks, name="goal_tasks"),
    path("goals/<int:pk>/task/", goal_views.goal_link, name="goal_link"),
    path("tasks/<int:pk>/make-goal/", goal_views.goal_from_task, name="goal_from_task"),
]
