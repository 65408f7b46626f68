"""`manage.py sync_tasks [--source NAME ...] [--full]`: the nightly job's code path, in the foreground."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.models import Source, SyncRun
from tasks.services import sync_run_create
from tasks.sync.runner import execute_run


class Command(BaseCommand):
    help = "Sync tasks from the enabled sources (or those named) now, print a summary, exit 1 if any run failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", help="Only this source (its name, as in admin); repeat for several."
        )
        parser.add_argument("--full", action="store_true", help="List every task id and mark deleted ones.")

    def handle(self, *args, source: list[str] | None = None, full: bool = False, **options) -> None:
        sources = Source.objects.filter(enabled=True)
        if source:
            sources = Source.objects.filter(name__in=source)
            if unknown := sorted(set(source) - set(sources.values_list("name", flat=True))):
                names = ", ".join(Source.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No source named {unknown[0]!r} (sources: {names}).")
        if not sources.exists():
            raise CommandError("No enabled source. Add one in admin, or run `manage.py fake_sources --configure`.")
        failed = [s.name for s in sources if not self.sync_one(s, full)]
        if failed:
            raise CommandError(f"Sync failed for: {', '.join(failed)}.")

    def sync_one(self, source: Source, full: bool) -> bool:
        mode = SyncRun.Mode.FULL if full else SyncRun.Mode.INCREMENTAL
        run, created = sync_run_create(source=source, mode=mode)
        if not created:
            self.stderr.write(f"{source}: a run is already {run.get_status_display().lower()} (#{run.pk}); skipped.")
            return False
        self.stdout.write(f"{source}: syncing…")
        run = execute_run(run.pk) or run
        run.refresh_from_db()
        self.stdout.write(self.summary(run))
        return run.status != SyncRun.Status.FAILED

    def summary(self, run: SyncRun) -> str:
        seconds = run.duration_seconds or 0
        line = (
            f"  {run.get_status_display()} ({run.get_mode_display().lower()}) in {seconds:.1f} s · "
            f"fetched {run.fetched} · created {run.created} · updated {run.updated} · "
            f"unchanged {run.unchanged} · skipped {run.skipped} · deleted {run.deleted} · "
            f"time entries {run.time_entries} · due dates moved {run.due_date_changes}"
        )
        line += "".join(f"\n  note: {e['message']}" for e in run.errors or [] if e.get("kind") == "note")
        if run.status == SyncRun.Status.FAILED:
            return self.style.ERROR(f"{line}\n  {run.error_message}")
        style = self.style.WARNING if run.status == SyncRun.Status.PARTIAL else self.style.SUCCESS
        return style(line)
