"""The training pages."""

from django.urls import path

from training import failure_views, views

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/export.csv", views.training_export, name="training_export"),
    path("training/people/<int:pk>/", views.training_person, name="training_person"),
    path("training/results/", views.training_results, name="training_results"),
    path("training/panel/", views.training_panel, name="training_panel"),
    path("training/modules/<int:pk>/", views.training_module, name="training_module"),
    # Execution failures feed training (issue 20).
    path("training/failures/", failure_views.failure_list, name="failure_list"),
    path("training/failures/export.csv", failure_views.failure_export, name="failure_export"),
    path("training/failures/modules/", failure_views.failure_modules, name="failure_modules"),
    path("training/people/<int:pk>/assignments/", failure_views.person_assignments, name="person_assignments"),
]
