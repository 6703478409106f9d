"""The columns of the members and coverage tables as a person sees them: order and titles.

One place for the app's column headers and the exports' "as on screen" headers, so that a CSV or
XLSX written by ``inspector export`` and one written from the app name their columns the same
way the tables do. The titles come from the field map (:attr:`FieldSpec.label`); a column the
field map does not describe gets its name in words (``other_refs`` -> "Other refs").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from inspector.core.records.frames import FieldSpec

#: The virtual column of a row's findings (errors and warnings found in that row).
ISSUES = "__issues__"
ISSUES_LABEL = "Issues"
#: Its name in exports written with machine names (``--machine-names``).
ISSUES_MACHINE_NAME = "issues"

#: What a clerk looks at first; every other column follows in the core's order.
MEMBER_ORDER = (
    "member_pos",
    ISSUES,
    "last_name",
    "first_name",
    "middle_name",
    "subscriber_id",
    "member_id",
    "is_subscriber",
    "relationship",
    "maintenance_type",
    "maintenance_reason",
    "birth_date",
    "gender",
    "ssn",
    "eligibility_begin",
    "eligibility_end",
    "coverage_count",
)
COVERAGE_ORDER = (
    "coverage_pos",
    ISSUES,
    "member_pos",
    "member_name",
    "subscriber_id",
    "maintenance_type",
    "insurance_line",
    "plan",
    "coverage_level",
    "benefit_begin",
    "benefit_end",
    "policy_id",
    "plan_id",
)


def column_label(column: str, spec: FieldSpec | None) -> str:
    """The title of a table column on screen (``"Birth date"``, ``"Issues"``)."""
    if column == ISSUES:
        return ISSUES_LABEL
    if spec is not None:
        return spec.label
    return column.replace("_", " ").capitalize()


def screen_order(shown: Iterable[str], first: Iterable[str]) -> list[str]:
    """The columns of a table in the order the app shows them: ``first`` (those present, and
    :data:`ISSUES`), then the rest of ``shown`` in its own order."""
    shown = list(shown)
    present = set(shown)
    columns = [c for c in first if c in present or c == ISSUES]
    taken = set(columns)
    return columns + [c for c in shown if c not in taken]


def labels(columns: Iterable[str], field_of: Callable[[str], FieldSpec | None]) -> list[str]:
    """:func:`column_label` of each column."""
    return [column_label(c, None if c == ISSUES else field_of(c)) for c in columns]
