import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit import services
from audit.models import AuditLog


def _raw_set_after(row_id: int, after: dict) -> None:
    """Tamper the way an intruder with database access would: SQL, bypassing the model."""
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    column = connection.ops.quote_name("after")
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET {column} = {placeholder} WHERE id = %s",
                    [json.dumps(after, ensure_ascii=False), row_id])


def _raw_set(row_id: int, **values) -> None:
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(k)} = %s" for k in values)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*values.values(), row_id])


def _raw_delete(row_id: int) -> None:
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id = %s", [row_id])


@pytest.fixture
def trail(world):
    """Three changes to 福建省教育厅 interleaved with two to 福建省教育考试院."""
    actor = world.dept_clerk
    rows = [
        services.record(actor=actor, action="unit.update", obj=world.dept,
                        before={"name": "福建省教育厅"}, after={"name": "福建省教育厅（新）"}),
        services.record(actor=actor, action="unit.update", obj=world.sub1,
                        before={"contact_name": ""}, after={"contact_name": "张三"}),
        services.record(actor=world.dept_reviewer, action="unit.approve", obj=world.dept,
                        after={"amount": Decimal("1234.50"), "on": dt.date(2026, 3, 1), "competent": world.dept}),
        services.record(actor=actor, action="unit.update", obj=world.sub1,
                        before={"contact_name": "张三"}, after={"contact_name": "李四"}),
        services.record(actor=None, action="unit.sync", obj=world.dept, before={"a": [1, 2]}, after={"a": [3]}),
    ]
    dept_rows = [rows[0], rows[2], rows[4]]
    sub_rows = [rows[1], rows[3]]
    return dept_rows, sub_rows


@pytest.mark.django_db
def test_record_chains_rows_per_object(world, trail):
    dept_rows, sub_rows = trail
    assert {r.object_key for r in dept_rows} == {f"orgs.unit:{world.dept.pk}"}
    assert {r.object_key for r in sub_rows} == {f"orgs.unit:{world.sub1.pk}"}
    for chain in (dept_rows, sub_rows):
        assert chain[0].prev_hash == ""
        for prev, row in zip(chain, chain[1:], strict=False):
            assert row.prev_hash == prev.hash
    assert len({r.hash for r in dept_rows + sub_rows}) == 5
    assert all(len(r.hash) == 64 for r in dept_rows + sub_rows)


@pytest.mark.django_db
def test_record_stores_plain_json_and_the_hash_survives_the_round_trip(world, trail):
    dept_rows, _ = trail
    stored = AuditLog.objects.get(pk=dept_rows[1].pk)
    assert stored.after == {"amount": "1234.50", "on": "2026-03-01", "competent": world.dept.pk}
    assert stored.actor == world.dept_reviewer
    assert stored.object_repr == "福建省教育厅"
    assert stored.hash == services.row_hash(
        object_key=stored.object_key, action=stored.action, actor_id=stored.actor_id, at=stored.at.isoformat(),
        before=stored.before, after=stored.after, prev_hash=stored.prev_hash)


@pytest.mark.django_db
def test_verify_is_clean_on_an_intact_log(trail):
    assert AuditLog.objects.count() >= 5
    assert services.verify() == []


@pytest.mark.django_db
def test_model_refuses_to_change_or_delete_a_row(trail):
    row = AuditLog.objects.get(pk=trail[0][0].pk)
    row.after = {"name": "改过了"}
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()
    assert AuditLog.objects.get(pk=row.pk).after == {"name": "福建省教育厅（新）"}


@pytest.mark.django_db
def test_verify_reports_an_altered_after(trail):
    dept_rows, sub_rows = trail
    target = dept_rows[1]
    _raw_set_after(target.pk, {"amount": "9999.00", "on": "2026-03-01"})
    assert AuditLog.objects.get(pk=target.pk).after["amount"] == "9999.00"
    problems = services.verify()
    assert len(problems) == 1
    assert problems[0].startswith(f"#{target.pk} ") and "内容与哈希不符" in problems[0]


@pytest.mark.django_db
def test_verify_reports_a_rewritten_row_at_the_next_link(trail):
    """Recomputing the tampered row's own hash does not help: the next row still points at the old one."""
    dept_rows, _ = trail
    target = AuditLog.objects.get(pk=dept_rows[0].pk)
    forged_after = {"name": "伪造"}
    forged_hash = services.row_hash(object_key=target.object_key, action=target.action, actor_id=target.actor_id,
                                    at=target.at.isoformat(), before=target.before, after=forged_after,
                                    prev_hash=target.prev_hash)
    _raw_set_after(target.pk, forged_after)
    _raw_set(target.pk, hash=forged_hash)
    problems = services.verify()
    assert len(problems) == 1
    assert problems[0].startswith(f"#{dept_rows[1].pk} ") and "链接断裂" in problems[0]


@pytest.mark.django_db
def test_verify_reports_a_deleted_middle_row(trail):
    dept_rows, sub_rows = trail
    _raw_delete(dept_rows[1].pk)
    assert not AuditLog.objects.filter(pk=dept_rows[1].pk).exists()
    problems = services.verify()
    assert len(problems) == 1
    assert problems[0].startswith(f"#{dept_rows[2].pk} ") and "链接断裂" in problems[0]
    # the other object's chain is untouched and not reported
    assert not any(p.startswith(f"#{r.pk} ") for r in sub_rows for p in problems)


@pytest.mark.django_db
def test_verify_reports_a_deleted_first_row(trail):
    dept_rows, _ = trail
    _raw_delete(dept_rows[0].pk)
    problems = services.verify()
    assert [p.split()[0] for p in problems] == [f"#{dept_rows[1].pk}"]


@pytest.mark.django_db
def test_verify_audit_command_passes_on_an_intact_log(trail, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "审计日志完整" in out and f"{AuditLog.objects.count()} 条" in out


@pytest.mark.django_db
def test_verify_audit_command_fails_on_tampering(trail, capsys):
    dept_rows, sub_rows = trail
    _raw_set_after(sub_rows[0].pk, {"contact_name": "王五"})
    _raw_delete(dept_rows[1].pk)
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert "2 处问题" in str(exc.value)
    assert exc.value.returncode == 1  # manage.py exits with this status
    err = capsys.readouterr().err
    assert f"#{sub_rows[0].pk} " in err and f"#{dept_rows[2].pk} " in err
