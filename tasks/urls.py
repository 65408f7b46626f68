"""The sync page and its Sync now."""

from django.urls import path

from tasks import views

urlpatterns = [
    path("sync/", views.sync_page, name="sync"),
    path("sync/sources/<int:source_id>/run/", views.sync_now, name="sync_now"),
    path("sync/export/<slug:table>.csv", views.sync_export, name="sync_export"),
    path("clients/<int:pk>/hours/", views.log_hours, name="log_hours"),
]
