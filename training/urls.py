"""The training pages."""

from django.urls import path

from training import views

urlpatterns = [
    path("training/", views.training, name="training"),
    path("training/export.csv", views.training_export, name="training_export"),
    path("training/people/<int:pk>/", views.training_person, name="training_person"),
    path("training/panel/", views.training_panel, name="training_panel"),
    path("training/modules/<int:pk>/", views.training_module, name="training_module"),
]
