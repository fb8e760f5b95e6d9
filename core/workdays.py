"""China working days: the one calendar every statutory clock counts with.

The `chinese_calendar` package knows the State Council's holidays and 调休 working weekends for the years
it ships; core.models.WorkdayAdjustment overrides it for a date (an announcement the package lacks, a
local arrangement). For a year the package does not cover, Monday–Friday plus the table.
"""

import datetime as dt

import chinese_calendar
from django.utils import timezone

from .models import WorkdayAdjustment

_ONE_DAY = dt.timedelta(days=1)


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _package_says(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the package has no data for this year
        return day.weekday() < 5


def _overrides(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    return dict(WorkdayAdjustment.objects.filter(date__range=(first, last))
                .values_list("date", "is_working_day"))


def _working(day: dt.date, overrides: dict[dt.date, bool]) -> bool:
    override = overrides.get(day)
    return _package_says(day) if override is None else override


def is_working_day(day) -> bool:
    day = _as_date(day)
    override = WorkdayAdjustment.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    return _package_says(day) if override is None else override


def add_working_days(day, n: int) -> dt.date:
    """The n-th working day after `day` (the day itself is not counted); n = 0 gives `day`."""
    day = _as_date(day)
    if n < 0:
        raise ValueError("n must be ≥ 0")
    current, counted = day, 0
    while counted < n:
        # a window that normally holds the answer; extended while it does not
        window_end = current + dt.timedelta(days=2 * (n - counted) + 30)
        overrides = _overrides(current + _ONE_DAY, window_end)
        while counted < n and current < window_end:
            current += _ONE_DAY
            if _working(current, overrides):
                counted += 1
    return current


def working_days_between(start, end) -> int:
    """Working days in (start, end], so working_days_between(d, add_working_days(d, n)) == n.

    Negative when end is before start. A deadline of "n working days after X" is met on `d` when
    working_days_between(X, d) ≤ n.
    """
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -working_days_between(end, start)
    overrides = _overrides(start + _ONE_DAY, end)
    count = 0
    current = start
    while current < end:
        current += _ONE_DAY
        if _working(current, overrides):
            count += 1
    return count
