"""X12 dates (CCYYMMDD): one place that says whether a value is a real calendar date."""

from __future__ import annotations

from functools import lru_cache

from inspector.core.records.charset import has_foreign_digit, is_digits

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


def show_date(value: str) -> str:
    """CCYYMMDD → CCYY-MM-DD for showing to a person; anything else unchanged (so bad dates
    stay visible)."""
    if len(value) == 8 and is_digits(value):
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return value


def show_period(value: str) -> str:
    """:func:`show_date`, and an RD8 range CCYYMMDD-CCYYMMDD as CCYY-MM-DD..CCYY-MM-DD."""
    if len(value) == 17 and value[8] == "-" and is_digits(value[:8]) and is_digits(value[9:]):
        return f"{show_date(value[:8])}..{show_date(value[9:])}"
    return show_date(value)


@lru_cache(maxsize=8192)
def date_problem(value: str) -> str | None:
    """Why a CCYYMMDD value is not a real date (plain English), or None when it is one."""
    if has_foreign_digit(value):
        return "holds a character that looks like a digit but is not one of 0-9; type plain digits"
    if len(value) != 8 or not is_digits(value):
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
