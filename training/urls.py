from django.urls import path

from godview.placeholders import not_built_yet

urlpatterns = [
    # Owned by training (issue 6): replace these with the real views.
    path("training/", not_built_yet, name="training"),
    path("training/people/<int:pk>/", not_built_yet, name="training_person"),
    path("training/panel/", not_built_yet, name="training_panel"),
]
