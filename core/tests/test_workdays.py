import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import WorkdayAdjustment
from core.workdays import add_working_days, is_working_day, working_days_between

D = dt.date.fromisoformat

pytestmark = pytest.mark.django_db


def test_national_day_is_not_a_working_day():
    assert chinese_calendar.get_holiday_detail(D("2025-10-01")) == (True, "National Day")
    assert is_working_day(D("2025-10-01")) is False
    assert is_working_day(D("2025-10-08")) is False  # a Wednesday inside the 2025 holiday


def test_tiaoxiu_weekend_is_a_working_day():
    # 2025-09-28 is a Sunday and 2025-10-11 a Saturday, both worked in exchange for National Day
    assert D("2025-09-28").weekday() == 6 and D("2025-10-11").weekday() == 5
    assert chinese_calendar.is_workday(D("2025-09-28"))
    assert is_working_day(D("2025-09-28")) is True
    assert is_working_day(D("2025-10-11")) is True
    assert is_working_day(D("2025-09-27")) is False  # the Saturday before is an ordinary weekend


def test_ordinary_weekday_is_a_working_day():
    assert is_working_day(D("2025-09-30")) is True


def test_table_override_flips_a_date_both_ways():
    WorkdayAdjustment.objects.create(date=D("2025-10-01"), is_working_day=True, reason="测试：临时上班")
    WorkdayAdjustment.objects.create(date=D("2025-09-30"), is_working_day=False, reason="测试：地方假日")
    assert is_working_day(D("2025-10-01")) is True
    assert is_working_day(D("2025-09-30")) is False
    assert add_working_days(D("2025-09-29"), 1) == D("2025-10-01")


def test_add_working_days_across_national_day():
    # Tue 30 Sep + 1 working day skips 1–8 Oct (holiday) → Thu 9 Oct
    assert add_working_days(D("2025-09-30"), 1) == D("2025-10-09")
    # Fri 26 Sep: Sun 28 (调休), Mon 29, Tue 30, then Thu 9 Oct, Fri 10 Oct, Sat 11 Oct (调休)
    assert [add_working_days(D("2025-09-26"), n) for n in range(1, 7)] == [
        D("2025-09-28"), D("2025-09-29"), D("2025-09-30"), D("2025-10-09"), D("2025-10-10"), D("2025-10-11")]
    # counting starts the day after, even when that day itself is a holiday
    assert add_working_days(D("2025-10-01"), 1) == D("2025-10-09")


def test_add_zero_days_is_the_same_day_and_negative_is_refused():
    assert add_working_days(D("2025-10-01"), 0) == D("2025-10-01")
    with pytest.raises(ValueError):
        add_working_days(D("2025-10-01"), -1)


def test_working_days_between():
    assert working_days_between(D("2025-09-30"), D("2025-10-09")) == 1
    assert working_days_between(D("2025-09-30"), D("2025-10-08")) == 0
    assert working_days_between(D("2025-09-26"), D("2025-10-11")) == 6
    assert working_days_between(D("2025-10-11"), D("2025-09-26")) == -6
    assert working_days_between(D("2025-10-09"), D("2025-10-09")) == 0


def test_table_override_counts_in_working_days_between():
    assert working_days_between(D("2025-09-30"), D("2025-10-09")) == 1
    WorkdayAdjustment.objects.create(date=D("2025-10-03"), is_working_day=True, reason="测试")
    assert working_days_between(D("2025-09-30"), D("2025-10-09")) == 2


def test_year_the_package_does_not_cover_falls_back_to_weekdays_and_table():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2027-01-04"))
    assert is_working_day(D("2027-01-04")) is True  # Monday
    assert is_working_day(D("2027-01-02")) is False  # Saturday
    assert is_working_day(D("2027-01-01")) is True  # a Friday, until the table says otherwise
    WorkdayAdjustment.objects.create(date=D("2027-01-01"), is_working_day=False, reason="元旦")
    assert is_working_day(D("2027-01-01")) is False
    # Thu 31 Dec 2026 (package) + 1 → Fri 1 Jan 2027 is a holiday (table) → Mon 4 Jan 2027 (fallback)
    assert add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
    assert working_days_between(D("2026-12-30"), D("2027-01-08")) == 6


def test_aware_datetime_uses_the_shanghai_date():
    # 20:00 UTC on 30 Sep is 04:00 on 1 Oct in Shanghai
    moment = dt.datetime(2025, 9, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert is_working_day(moment) is False
    assert add_working_days(moment, 1) == D("2025-10-09")


def test_long_spans_use_few_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        result = add_working_days(D("2025-01-01"), 200)
    assert working_days_between(D("2025-01-01"), result) == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(min_value=D("2024-01-01"), max_value=D("2027-06-30")), n=st.integers(0, 40))
def test_add_and_between_are_inverse(start, n):
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    assert end >= start
    if n:
        assert is_working_day(end)
        # the day before the answer still has one working day to go
        assert working_days_between(start, end - dt.timedelta(days=1)) == n - 1
