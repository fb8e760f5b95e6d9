"""Background work around Django's tasks API (the django-tasks backport, database backend).

The queue runs functions decorated with `@task()` (`manage.py db_worker`). It lacks three things, added here:

- **progress**: a `JobProgress` row (owner, label, total/done, 排队中/进行中/已完成/失败, a result file) that a
  task updates and the page `jobs:detail` polls. `start_job(task, owner=…, kind=…, label=…, params=…)` creates
  the row and enqueues `task(job_id)` in one transaction (with the database backend the queue row commits or
  rolls back with it, and with the caller's business change when called inside its transaction).
- **retries with backoff**: `@retrying(attempts=…, backoff=…)` under `@task()` re-enqueues a failed run with
  `run_after` = now + backoff · factor^(attempt-1), until `attempts` runs have failed; each failed run stays in
  the queue's table as FAILED with its traceback. `enqueue_with_retry(task, …)` does the same for a plain task.
- **periodic jobs**: `register_periodic(name, every=…, path=…)` (from an AppConfig.ready); `manage.py
  run_periodic` runs the due ones once (cron or a systemd timer in production), `--loop` keeps doing so (the
  demo). The last run of each is a `PeriodicRun` row, locked while it runs.

`run_ready()` drains the queue in this process through the worker's own code path (tests, the benchmark).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import JobProgress, PeriodicRun

log = logging.getLogger("zhengcai.jobs")

ATTEMPT_KWARG = "_attempt"  # the retry wrapper's own keyword; the task function never sees it
PROGRESS_EVERY = 2.0  # seconds between progress writes: a poll every 2 s sees something new, no more


# ---- progress ---------------------------------------------------------------------------------------------


def start_job(task, *, owner, kind: str, label: str, params: dict | None = None) -> JobProgress:
    """A progress row and `task.enqueue(job.pk)`, both or neither."""
    with transaction.atomic():
        job = JobProgress.objects.create(owner=owner, kind=kind, label=label[:200], params=params or {})
        result = task.enqueue(job.pk)
        JobProgress.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
        job.task_id = str(result.id)[:64]
    return job


class Progress:
    """A running job's handle: `start(total)`, `advance(done)` (written at most every PROGRESS_EVERY
    seconds), `finish(...)`, `fail(message)`. Each write is its own statement, so a poller sees it at once
    (the worker runs tasks in autocommit)."""

    def __init__(self, job: JobProgress | int):
        self.job = job if isinstance(job, JobProgress) else JobProgress.objects.get(pk=job)
        self._last = 0.0

    def _save(self, **fields):
        JobProgress.objects.filter(pk=self.job.pk).update(**fields)
        for k, v in fields.items():
            if not hasattr(v, "resolve_expression"):
                setattr(self.job, k, v)

    def start(self, total: int | None = None):
        self._save(state=JobProgress.RUNNING, total=total, done=0, message="", started_at=timezone.now())
        JobProgress.objects.filter(pk=self.job.pk).update(attempts=F("attempts") + 1)
        self._last = time.monotonic()

    def set_total(self, total: int | None):
        self._save(total=total, done=0)

    def advance(self, done: int, *, force: bool = False):
        now = time.monotonic()
        if force or now - self._last >= PROGRESS_EVERY:
            self._last = now
            self._save(done=done)

    def finish(self, *, message: str = "", result_name: str = "", download_name: str = ""):
        fields = {"state": JobProgress.DONE, "message": message[:500], "finished_at": timezone.now()}
        if result_name:
            fields.update(result_name=result_name, download_name=download_name[:200])
        if self.job.total is not None:
            fields["done"] = self.job.total
        self._save(**fields)

    def fail(self, message: str, *, permanent: bool = False):
        """失败 — unless the retry wrapper will run the job again (the task re-raises), then back to 排队中
        saying so. `permanent`: the task gives up now (it does not re-raise)."""
        retry = None if permanent else will_retry()
        if retry:
            text = f"第{retry[0]}次执行失败：{message}；将于 {timezone.localtime(retry[1]):%H:%M:%S} 自动重试"
            self._save(state=JobProgress.QUEUED, message=text[:500])
        else:
            self._save(state=JobProgress.FAILED, message=message[:500], finished_at=timezone.now())


# ---- retries with backoff -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Attempt:
    number: int
    attempts: int
    next_run: dt.datetime | None  # when a failure of this run would be retried (None: last attempt)


_attempt: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar("zhengcai_job_attempt", default=None)


def will_retry() -> tuple[int, dt.datetime] | None:
    """Inside a `@retrying` task: (this attempt's number, when it would run again) if a failure now is
    retried, else None."""
    a = _attempt.get()
    return (a.number, a.next_run) if a and a.next_run else None


def backoff_delay(attempt: int, *, backoff: float, factor: float = 2.0, max_delay: float = 3600.0) -> float:
    """Seconds to wait after failed run number `attempt` (1-based): backoff, backoff·factor, …, capped."""
    return min(backoff * factor ** (attempt - 1), max_delay)


def _attempt_run(number: int, attempts: int, delay: float, call, requeue):
    """Run `call()` as attempt `number` of `attempts`; on failure `requeue(run_after, number + 1)` unless it
    was the last, then re-raise so the queue records this run as FAILED with its traceback."""
    next_run = timezone.now() + dt.timedelta(seconds=delay) if number < attempts else None
    token = _attempt.set(_Attempt(number, attempts, next_run))
    try:
        return call()
    except Exception:
        if next_run is not None:
            requeue(next_run, number + 1)
            log.warning("background job failed (attempt %s of %s), retry at %s", number, attempts, next_run)
        raise
    finally:
        _attempt.reset(token)


def retrying(*, attempts: int = 3, backoff: float = 30.0, factor: float = 2.0, max_delay: float = 3600.0):
    """Under `@task()`: a failed run enqueues the task again, `run_after` backing off exponentially, until
    `attempts` runs have failed. Every failed run is still recorded as FAILED. A task that must not retry a
    kind of failure catches it itself (and records it on its progress row).

        @task()
        @retrying(attempts=5, backoff=60)
        def push(message_id): ...
    """

    def decorate(func):
        @functools.wraps(func)  # keeps the module path, so the queue imports the Task by this name
        def wrapper(*args, **kwargs):
            number = int(kwargs.pop(ATTEMPT_KWARG, 1))
            delay = backoff_delay(number, backoff=backoff, factor=factor, max_delay=max_delay)

            def requeue(run_after, next_number):
                task = import_string(f"{wrapper.__module__}.{wrapper.__qualname__}")
                task.using(run_after=run_after).enqueue(*args, **kwargs, **{ATTEMPT_KWARG: next_number})

            return _attempt_run(number, attempts, delay, lambda: func(*args, **kwargs), requeue)

        wrapper.retry_attempts = attempts
        return wrapper

    return decorate


@task()
def call_with_retry(task_path: str, args: list, kwargs: dict, policy: dict, attempt: int = 1):
    """The queue entry of `enqueue_with_retry`: runs the named task's function, retrying as `policy` says."""
    target = import_string(task_path)
    delay = backoff_delay(attempt, backoff=policy["backoff"], factor=policy.get("factor", 2.0))

    def requeue(run_after, next_number):
        call_with_retry.using(run_after=run_after).enqueue(task_path, args, kwargs, policy, next_number)

    return _attempt_run(attempt, policy["attempts"], delay, lambda: target.call(*args, **kwargs), requeue)


def enqueue_with_retry(task, *args, attempts: int = 3, backoff: float = 30.0, factor: float = 2.0, **kwargs):
    """Enqueue a plain `@task()` so that its failures are retried with backoff, as `@retrying` does."""
    return call_with_retry.using(queue_name=task.queue_name, priority=task.priority).enqueue(
        task.module_path, list(args), kwargs, {"attempts": attempts, "backoff": backoff, "factor": factor})


# ---- draining the queue in-process ----------------------------------------------------------------------------


def run_ready(limit: int = 1000, *, backend: str = "default") -> int:
    """Run the queue's ready jobs in this process, one at a time, through db_worker's own `run_task` (claim,
    run, record SUCCESSFUL/FAILED). Returns how many ran. For tests and the benchmark; production runs
    `manage.py db_worker`."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name=backend, startup_delay=False,
                    max_tasks=None, worker_id="in-process", excluded_queue_names=[])
    ran = 0
    while ran < limit:
        with transaction.atomic():
            row = DBTaskResult.objects.ready().filter(backend_name=backend).get_locked()
            if row is None:
                break
            row.claim(worker.worker_id)
        worker.run_task(row)
        ran += 1
    return ran


# ---- periodic jobs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    path: str  # dotted path of a callable taking no arguments; returns a short text for the record
    label: str = ""


PERIODIC: dict[str, Periodic] = {}


def register_periodic(name: str, *, every: dt.timedelta, path: str, label: str = "") -> Periodic:
    """Declare a periodic job (call from an AppConfig.ready). Registering the same name twice with another
    definition is a start-up error, not a silent override."""
    job = Periodic(name, every, path, label or name)
    old = PERIODIC.get(name)
    if old is not None and old != job:
        raise ValueError(f"periodic job {name!r} registered twice with different definitions")
    PERIODIC[name] = job
    return job


def is_due(job: Periodic, run: PeriodicRun | None, now: dt.datetime) -> bool:
    return run is None or run.last_started_at is None or now - run.last_started_at >= job.every


def run_periodic(*, now: dt.datetime | None = None, only: list[str] | None = None) -> list[tuple[str, bool, str]]:
    """Run each due periodic job once: [(name, ok, message)]. A job whose row another scheduler holds is
    skipped (SKIP LOCKED), so running this on several hosts at once runs each job once."""
    out = []
    for job in PERIODIC.values():
        if only and job.name not in only:
            continue
        PeriodicRun.objects.get_or_create(name=job.name)
        with transaction.atomic():
            run = PeriodicRun.objects.select_for_update(skip_locked=True).filter(name=job.name).first()
            started = now or timezone.now()
            if run is None or not is_due(job, run, started):
                continue
            run.last_started_at = started
            try:
                with transaction.atomic():
                    message = import_string(job.path)()
                ok = True
            except Exception as exc:  # recorded and logged; the next due time retries it
                log.exception("periodic job %s failed", job.name)
                ok, message = False, f"{type(exc).__name__}: {exc}"
            run.last_finished_at = timezone.now()
            run.last_ok = ok
            run.last_message = str(message or "")[:500]
            run.save()
        out.append((job.name, ok, run.last_message))
    return out
