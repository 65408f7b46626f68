from django.urls import path

from godview.placeholders import not_built_yet

urlpatterns = [
    # Owned by the sync (issue 5): replace this with the real view.
    path("sync/", not_built_yet, name="sync"),
]
