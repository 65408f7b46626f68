from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from godview.backup import BackupError, dump


class Command(BaseCommand):
    help = "Dump the whole database to a file (pg_dump custom format on Postgres, a SQLite file otherwise)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="Where to write (default: var/backups/godview-<time>.dump)")

    def handle(self, *args, path: str | None, **options) -> None:
        target = Path(path) if path else Path("var/backups") / f"godview-{timezone.now():%Y%m%d-%H%M%S}.dump"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            dump(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backed up to {target} ({target.stat().st_size:,} bytes)"))
