"""`manage.py rollup [--date D] [--days N] [--rule-inputs-only]`: fill daily snapshots and early
warnings (backfill N days); with --rule-inputs-only, only the rules' inputs that the health lab's
what-if reads, into the snapshots already stored (once, after upgrading to them)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.weeks import today
from godview.rollup import refill_rule_inputs, rollup_range


class Command(BaseCommand):
    help = "Fill the per-client daily snapshots and early warnings, ending at --date, for --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The last day to roll up (YYYY-MM-DD); default today.")
        parser.add_argument("--days", type=int, default=1, help="How many days to backfill, ending at --date.")
        parser.add_argument(
            "--rule-inputs-only",
            action="store_true",
            help="Only fill the rules' inputs of stored snapshots (warnings and signal history untouched).",
        )

    def handle(self, *args, date: str | None = None, days: int = 1, rule_inputs_only: bool = False, **options) -> None:
        try:
            end = dt.date.fromisoformat(date) if date else today()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date like 2026-01-31.") from None
        if days < 1 or days > 3660:
            raise CommandError("--days must be between 1 and 3660.")
        if rule_inputs_only:
            for offset in range(days - 1, -1, -1):
                day = end - dt.timedelta(days=offset)
                self.stdout.write(f"{day}: rule inputs of {refill_rule_inputs(day)} snapshots")
            return
        for result in rollup_range(end=end, days=days):
            self.stdout.write(
                f"{result.date}: {result.snapshots} snapshots, {result.fired} warnings fired, "
                f"{result.resolved} resolved ({result.seconds}s)"
            )
