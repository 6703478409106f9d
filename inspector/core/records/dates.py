"""X12 dates (CCYYMMDD): one place that says whether a value is a real calendar date."""

from __future__ import annotations

from functools import lru_cache

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=8192)
def date_problem(value: str) -> str | None:
    """Why a CCYYMMDD value is not a real date (plain English), or None when it is one."""
    if len(value) != 8 or not value.isdigit():
        return "is not a date in the form CCYYMMDD (eight digits, e.g. 20250131)"
    y, m, d = int(value[:4]), int(value[4:6]), int(value[6:])
    if y < 1800:
        return f"has the year {value[:4]}, which is not a plausible year"
    if not 1 <= m <= 12:
        return f"has the month {value[4:6]}, which does not exist"
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    last = 29 if m == 2 and leap else 28 if m == 2 else _DAYS[m - 1]
    if not 1 <= d <= last:
        return (
            f"has the day {value[6:]}, but {MONTHS[m - 1]} {y} has only {last} days"
            if d > last
            else "has the day 00, which does not exist"
        )
    return None
