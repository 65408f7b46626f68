from django.urls import path

from godview.placeholders import not_built_yet

urlpatterns = [
    # Owned by the AM workspace (issue 4): replace these with the real views.
    path("my/", not_built_yet, name="my_clients"),
    path("clients/<int:pk>/work/", not_built_yet, name="client_workspace"),
]
