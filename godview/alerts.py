"""Emails about early warnings: one per AM for new firings, and leadership's Monday digest. Both
list actions too: the new ones, the overdue ones, and the closed ones with their outcomes.

Alerts are sent once per firing: `EarlyWarning.notified_at` is set in the same transaction
that holds the rows locked while the email goes out, so a redelivered or concurrent job skips
them. A failed send leaves them un-notified for the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import Role, User
from clients.models import Action, Client, EarlyWarning, WarningRule
from clients.voice import top_problems
from clients.voice import window as voice_window
from core.weeks import today, week_start
from godview.targets import north_star_line, north_star_tile

RULE_NAMES = dict(WarningRule.Code.choices)  # lazy labels: each reader's language

logger = logging.getLogger(__name__)


ACTIONS_LISTED = 20  # per kind; the count says how many more there are


@dataclass
class ActionSummary:
    new: list[Action]
    overdue: list[Action]
    closed: list[Action]
    new_count: int
    overdue_count: int
    closed_count: int

    @property
    def any(self) -> bool:
        return bool(self.new_count or self.overdue_count or self.closed_count)


def action_summary(scope: Q, since: dt.datetime, on: dt.date) -> ActionSummary:
    """Actions in `scope` created since `since`, open past their due date on `on`, and closed since
    `since` (done with its outcome, dropped with its reason): three lists and three counts."""
    actions = Action.objects.filter(scope).select_related("client", "owner")
    new = actions.filter(created_at__gte=since).order_by("due_on", "pk")
    overdue = actions.filter(status=Action.Status.OPEN, due_on__lt=on).order_by("due_on", "pk")
    closed = actions.filter(closed_at__gte=since).order_by("-closed_at", "pk")
    return ActionSummary(
        list(new[:ACTIONS_LISTED]),
        list(overdue[:ACTIONS_LISTED]),
        list(closed[:ACTIONS_LISTED]),
        new.count(),
        overdue.count(),
        closed.count(),
    )


@dataclass
class AlertResult:
    emails: int = 0
    warnings: int = 0
    failures: int = 0


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _pending() -> QuerySet[EarlyWarning]:
    return EarlyWarning.objects.filter(notified_at__isnull=True, resolved_on__isnull=True)


def send_early_warning_alerts() -> AlertResult:
    """Each AM with new, unresolved warnings on their clients gets ONE email listing them."""
    result = AlertResult()
    am_ids = (
        _pending()
        .filter(client__account_manager__is_active=True)
        .exclude(client__account_manager__email="")
        .values_list("client__account_manager", flat=True)
        .distinct()
    )
    errors: list[Exception] = []
    for am in User.objects.filter(pk__in=list(am_ids)).order_by("pk"):
        try:
            result.warnings += _alert_one_am(am)
            result.emails += 1
        except Exception as error:  # one AM's mail server trouble must not silence the others
            logger.exception("early-warning alert to %s failed", am.email)
            result.failures += 1
            errors.append(error)
    if errors:
        raise errors[0]
    return result


@transaction.atomic
def _alert_one_am(am: User) -> int:
    warnings = list(
        _pending()
        .filter(client__account_manager=am)
        .select_related("client")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("client__name", "-fired_on", "rule")
    )
    if not warnings:
        return 0
    by_client: dict = defaultdict(list)
    for warning in warnings:
        by_client[warning.client].append(warning)
    with translation.override(am.language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "God-view: %(n)d new early warning for your clients",
            "God-view: %(n)d new early warnings for your clients",
            len(warnings),
        ) % {"n": len(warnings)}
        context = {
            "am": am,
            "clients": [
                {"client": c, "url": _site_url(reverse("client_workspace", args=[c.pk])), "warnings": w}
                for c, w in by_client.items()
            ],
            "count": len(warnings),
            "actions": action_summary(Q(owner=am), timezone.now() - dt.timedelta(days=1), today()),
        }
        _send(subject, "godview/email/early_warnings", context, [am.email])
    EarlyWarning.objects.filter(pk__in=[w.pk for w in warnings]).update(notified_at=timezone.now())
    return len(warnings)


def send_weekly_digest() -> int:
    """Monday: leadership get the open early warnings and what fired last week. Once per week."""
    monday = week_start(today())
    if not cache.add(f"weekly-digest:{monday.isoformat()}", True, timeout=60 * 60 * 24 * 6):
        return 0  # already sent this week (a redelivered job, or a second beat)
    # Each leader reads the digest in their own language: one email per language.
    by_language: dict[str, list[str]] = defaultdict(list)
    for email, language in (
        User.objects.filter(is_active=True, role=Role.LEADERSHIP).exclude(email="").values_list("email", "language")
    ):
        by_language[language or settings.LANGUAGE_CODE].append(email)
    recipients = [email for emails in by_language.values() for email in emails]
    if not recipients:
        return 0
    open_warnings = list(
        EarlyWarning.objects.filter(resolved_on__isnull=True)
        .select_related("client", "client__account_manager")
        .order_by("-fired_on", "client__name")
    )
    last_week = monday - dt.timedelta(days=7)
    by_rule = Counter(w.rule for w in open_warnings)  # named in each reader's language below
    context = {
        "week": monday,
        "open_count": len(open_warnings),
        "new_count": sum(1 for w in open_warnings if w.fired_on >= last_week),
        "clients_count": len({w.client_id for w in open_warnings}),
        "warnings": open_warnings[:30],
        "more": max(0, len(open_warnings) - 30),
        "dashboard_url": _site_url(reverse("dashboard")),
        "actions": action_summary(Q(), timezone.now() - dt.timedelta(days=7), today()),
        "actions_url": _site_url(reverse("action_queue")),
        "targets_url": _site_url(reverse("target_edit")),
        "voice": _voice_of_the_client(),
    }
    try:
        for language, emails in sorted(by_language.items()):
            with translation.override(language):
                subject = ngettext(
                    "God-view weekly digest: %(n)d open early warning",
                    "God-view weekly digest: %(n)d open early warnings",
                    len(open_warnings),
                ) % {"n": len(open_warnings)}
                # The digest leads with the north star (issue 20), when leadership picked one.
                star = north_star_tile()
                star_text = north_star_line(star) if star else ""
                if star is not None:
                    subject = f"{subject} · {star_text}"
                rules = [(str(RULE_NAMES.get(rule, rule)), n) for rule, n in by_rule.most_common()]
                digest = {
                    **context,
                    "by_rule": rules,
                    "north_star": star,
                    "north_star_text": star_text,
                    "north_star_url": _site_url(star.link) if star else "",
                }
                _send(subject, "godview/email/weekly_digest", digest, emails)
    except Exception:
        cache.delete(f"weekly-digest:{monday.isoformat()}")  # let the retry send it
        raise
    return len(recipients)


def _voice_of_the_client() -> dict:
    """The month's top five client problems for the digest, each with its clients and a link to its rows."""
    problems = top_problems(Client.objects.all(), today())
    return {
        "problems": [{"problem": p, "url": _site_url(reverse("voice_rows") + f"?problem={p.code}")} for p in problems],
        "window": voice_window(today()),
    }


def _send(subject: str, template: str, context: dict, to: list[str]) -> None:
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
