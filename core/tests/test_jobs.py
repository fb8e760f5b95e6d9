"""core/jobs.py: retries with backoff through run_after, the progress row under retries, periodic jobs.

The tasks below are real `@task()`s on the database backend; `jobs.run_ready()` runs what is due through the
worker's own run_task, so a re-enqueued attempt is a real queue row with a real run_after."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core import jobs
from core.models import JobProgress, PeriodicRun

pytestmark = pytest.mark.django_db

CALLS: list = []


@task()
@jobs.retrying(attempts=3, backoff=10)
def always_fails(key):
    CALLS.append(key)
    raise RuntimeError(f"失败 {key}")


@task()
@jobs.retrying(attempts=3, backoff=10)
def fails_once(key):
    CALLS.append(key)
    if CALLS.count(key) == 1:
        raise ConnectionError("对方未响应")
    return f"ok {key}"


@task()
def plain_fails(key):
    CALLS.append(key)
    raise RuntimeError("plain")


@task()
@jobs.retrying(attempts=2, backoff=5)
def job_that_fails(job_id):
    progress = jobs.Progress(job_id)
    progress.start(total=10)
    progress.advance(4, force=True)
    try:
        raise OSError("磁盘已满")
    except OSError as exc:
        progress.fail(str(exc))
        raise


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield
    CALLS.clear()


def _make_due():
    """The clock moved past every run_after (instead of sleeping)."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - dt.timedelta(seconds=1))


def test_backoff_doubles_and_is_capped():
    assert [jobs.backoff_delay(n, backoff=10) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert jobs.backoff_delay(20, backoff=10, max_delay=600) == 600


def test_a_failure_is_retried_later_with_backoff_and_stops_after_n_attempts():
    always_fails.enqueue("a")
    before = timezone.now()
    assert jobs.run_ready() == 1
    assert CALLS == ["a"]
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and "RuntimeError" in failed.exception_class_path
    assert retry.status == "READY" and retry.args_kwargs == {"args": ["a"], "kwargs": {"_attempt": 2}}
    assert before + dt.timedelta(seconds=9) <= retry.run_after <= timezone.now() + dt.timedelta(seconds=10)
    assert jobs.run_ready() == 0  # not before its run_after

    _make_due()
    enqueued = timezone.now()
    assert jobs.run_ready() == 1
    third = DBTaskResult.objects.get(status="READY")
    assert third.args_kwargs["kwargs"] == {"_attempt": 3}
    assert third.run_after >= enqueued + dt.timedelta(seconds=19)  # 10 s, then 20 s

    _make_due()
    assert jobs.run_ready() == 1
    assert CALLS == ["a", "a", "a"]
    assert DBTaskResult.objects.count() == 3 and not DBTaskResult.objects.filter(status="READY").exists()
    _make_due()
    assert jobs.run_ready() == 0


def test_a_retry_that_succeeds_ends_the_chain():
    fails_once.enqueue("b")
    jobs.run_ready()
    _make_due()
    jobs.run_ready()
    assert CALLS == ["b", "b"]
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", "return_value"))
    assert statuses == [("FAILED", None), ("SUCCESSFUL", "ok b")]


def test_enqueue_with_retry_wraps_a_plain_task():
    jobs.enqueue_with_retry(plain_fails, "c", attempts=2, backoff=30)
    jobs.run_ready()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=25)
    _make_due()
    jobs.run_ready()
    _make_due()
    assert jobs.run_ready() == 0
    assert CALLS == ["c", "c"] and DBTaskResult.objects.filter(status="FAILED").count() == 2


def test_the_progress_row_says_retry_then_fails_on_the_last_attempt(world):
    job = jobs.start_job(job_that_fails, owner=world.dept_clerk, kind="test", label="测试任务")
    assert job.state == JobProgress.QUEUED and DBTaskResult.objects.get().args_kwargs["args"] == [job.pk]
    jobs.run_ready()
    job.refresh_from_db()
    assert job.state == JobProgress.QUEUED and "第1次执行失败：磁盘已满" in job.message and "自动重试" in job.message
    assert (job.done, job.total) == (4, 10)
    _make_due()
    jobs.run_ready()
    job.refresh_from_db()
    assert job.state == JobProgress.FAILED and job.message == "磁盘已满" and job.attempts == 2
    assert job.finished_at is not None


def test_start_job_is_both_or_neither(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.start_job(job_that_fails, owner=world.dept_clerk, kind="test", label="回滚")
        raise RuntimeError("业务写入失败")
    assert not JobProgress.objects.exists() and not DBTaskResult.objects.exists()


# ---- periodic ------------------------------------------------------------------------------------------------


TICKS: list = []


def tick():
    TICKS.append(timezone.now())
    return f"第{len(TICKS)}次"


def broken():
    raise ValueError("坏了")


@pytest.fixture
def periodic(monkeypatch):
    TICKS.clear()
    monkeypatch.setattr(jobs, "PERIODIC", {})
    jobs.register_periodic("test_tick", every=dt.timedelta(hours=1), path="core.tests.test_jobs.tick", label="测试")
    return jobs.PERIODIC


def test_a_due_job_runs_once_and_not_again_before_its_interval(periodic):
    t0 = timezone.now()
    assert jobs.run_periodic(now=t0) == [("test_tick", True, "第1次")]
    assert jobs.run_periodic(now=t0 + dt.timedelta(minutes=59)) == []
    assert len(TICKS) == 1
    run = PeriodicRun.objects.get(name="test_tick")
    assert run.last_started_at == t0 and run.last_ok is True and run.last_message == "第1次"
    assert jobs.run_periodic(now=t0 + dt.timedelta(hours=1)) == [("test_tick", True, "第2次")]
    assert len(TICKS) == 2


def test_the_command_runs_due_jobs_and_records_a_failure(periodic, capsys):
    jobs.register_periodic("test_broken", every=dt.timedelta(minutes=5), path="core.tests.test_jobs.broken")
    call_command("run_periodic")
    out = capsys.readouterr().out
    assert "完成 test_tick：第1次" in out and "失败 test_broken：ValueError: 坏了" in out
    assert PeriodicRun.objects.get(name="test_broken").last_ok is False
    call_command("run_periodic")
    assert len(TICKS) == 1  # not due yet
    call_command("run_periodic", "--list")
    assert "test_tick" in capsys.readouterr().out


def test_registering_a_name_twice_differently_is_an_error(periodic):
    jobs.register_periodic("test_tick", every=dt.timedelta(hours=1), path="core.tests.test_jobs.tick", label="测试")
    with pytest.raises(ValueError):
        jobs.register_periodic("test_tick", every=dt.timedelta(hours=2), path="core.tests.test_jobs.tick")


def test_the_housekeeping_job_is_registered():
    assert jobs.PERIODIC["delete_expired_exports"].path == "core.exports.delete_expired_exports"
