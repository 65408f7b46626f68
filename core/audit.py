"""Record every create, update and delete of client-scoped data in the audit trail.

Signals catch every path that saves model instances (forms, services, admin, shell); the user
comes from the request being served (a context variable set by AuditUserMiddleware). Bulk
writes (the demo seed, the sync's upserts of tasks) are not audited: they are not people's edits.
"""

import contextvars
import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from core.models import AuditEntry

current_user: contextvars.ContextVar = contextvars.ContextVar("audit_user", default=None)

AUDITED_APPS = {"clients"}
# Computed (the rollup, the goals, the weekly sums), not entered by people.
NOT_AUDITED = {"dailysnapshot", "earlywarning", "goalweek", "snapshotweek"}


class AuditUserMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        token = current_user.set(user)
        try:
            return self.get_response(request)
        finally:
            current_user.reset(token)


def audited_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in AUDITED_APPS and model._meta.model_name not in NOT_AUDITED
    ]


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, Decimal)):
        return str(value)
    return value


def _snapshot(instance: models.Model) -> dict:
    return {field.attname: _plain(field.value_from_object(instance)) for field in instance._meta.concrete_fields}


def _client_id(instance: models.Model) -> int | None:
    if instance._meta.model_name == "client":
        return instance.pk
    if hasattr(instance, "client_id"):
        return instance.client_id
    original = getattr(instance, "original", None)  # a postponement
    return getattr(original, "client_id", None)


def _record(instance: models.Model, action: str, changes: dict) -> None:
    AuditEntry.objects.create(
        user=current_user.get(),
        action=action,
        model=instance._meta.verbose_name[:60],
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        client_id=_client_id(instance),
        changes=changes,
    )


def remember_before(sender, instance: models.Model, raw: bool = False, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = _snapshot(before) if before is not None else None


def record_save(sender, instance: models.Model, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    after = _snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _record(instance, AuditEntry.Action.CREATE, {k: [None, v] for k, v in after.items() if v not in (None, "")})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v and k != "updated_at"}
    if changes:
        _record(instance, AuditEntry.Action.UPDATE, changes)


def record_delete(sender, instance: models.Model, **kwargs) -> None:
    _record(instance, AuditEntry.Action.DELETE, {k: [v, None] for k, v in _snapshot(instance).items()})


def connect() -> None:
    for model in audited_models():
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(remember_before, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(record_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(record_delete, sender=model, dispatch_uid=f"{uid}-delete")
