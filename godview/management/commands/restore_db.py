from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from godview.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by backup_db into an empty database (or --replace the current one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true", help="Drop what the database holds first.")

    def handle(self, *args, path: str, replace: bool, **options) -> None:
        try:
            restore(Path(path), replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
