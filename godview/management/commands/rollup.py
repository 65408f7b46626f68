"""`manage.py rollup [--date D] [--days N]`: fill daily snapshots and early warnings (backfill N days)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.weeks import today
from godview.rollup import rollup_range


class Command(BaseCommand):
    help = "Fill the per-client daily snapshots and early warnings, ending at --date, for --days days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The last day to roll up (YYYY-MM-DD); default today.")
        parser.add_argument("--days", type=int, default=1, help="How many days to backfill, ending at --date.")

    def handle(self, *args, date: str | None = None, days: int = 1, **options) -> None:
        try:
            end = dt.date.fromisoformat(date) if date else today()
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date like 2026-01-31.") from None
        if days < 1 or days > 3660:
            raise CommandError("--days must be between 1 and 3660.")
        for result in rollup_range(end=end, days=days):
            self.stdout.write(
                f"{result.date}: {result.snapshots} snapshots, {result.fired} warnings fired, "
                f"{result.resolved} resolved ({result.seconds}s)"
            )
