"""django-axes' admins (login attempts and logs), given the site's bounded change list: their
date hierarchy otherwise answers a 500 for a drill-down into year 9999 (see core.admin)."""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin

from core.admin import BaseAdmin

for model, third_party in (
    (AccessAttempt, axes_admin.AccessAttemptAdmin),
    (AccessLog, axes_admin.AccessLogAdmin),
    (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(third_party.__name__, (BaseAdmin, third_party), {}))
