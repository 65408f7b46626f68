from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from godview import health, views

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("clients.urls")),
    path("", include("tasks.urls")),
    path("", include("training.urls")),
    path("", views.dashboard, name="dashboard"),
]

handler403 = "godview.views.permission_denied"
handler404 = "godview.views.page_not_found"
handler500 = "godview.views.server_error"
