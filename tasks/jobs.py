"""Celery jobs for the sync: thin, they take ids and call the runner or a service."""

from celery import shared_task

from tasks.models import Source, SyncRun


@shared_task(acks_late=True, ignore_result=True)
def sync_all_sources() -> int:
    """Nightly: queue one incremental run per enabled source (each dispatched after commit)."""
    from tasks.services import sync_run_enqueue

    queued = 0
    for source in Source.objects.filter(enabled=True):
        _run, created = sync_run_enqueue(source=source, mode=SyncRun.Mode.INCREMENTAL)
        queued += created
    return queued


@shared_task(acks_late=True, ignore_result=True)
def sync_source(run_id: int) -> None:
    """Execute one queued run. A redelivered job finds its run finished and does nothing."""
    from tasks.sync.runner import execute_run

    execute_run(run_id)


@shared_task(acks_late=True, ignore_result=True)
def fail_lost_sync_runs() -> int:
    """Every few minutes: queued runs whose job Redis lost are failed, so "Sync now" works again."""
    from tasks.services import sync_run_fail_lost

    return sync_run_fail_lost()
