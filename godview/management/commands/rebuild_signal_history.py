"""`manage.py rebuild_signal_history --since YYYY-MM-DD`: the health lab's signal runs, rebuilt from
the stored daily figures (snapshots and early warnings) for an installation that predates them."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from godview.signal_history import rebuild


class Command(BaseCommand):
    help = "Rebuild the health lab's signal history from --since on, from the stored daily figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", required=True, help="The first day to rebuild (YYYY-MM-DD).")

    def handle(self, *args, since: str, **options) -> None:
        try:
            first = dt.date.fromisoformat(since)
        except ValueError:
            raise CommandError(f"--since {since!r} is not a date like 2025-01-31.") from None
        written = rebuild(first)
        self.stdout.write(f"Signal history rebuilt from {first}: {written} runs.")
