"""Members and coverage as pandas DataFrames, with back-references to segment ordinals.

Every displayed column is described by a :class:`FieldSpec` naming the segment-ordinal column and
element it comes from, so a GUI can jump from a cell to its segment, and an edit of a cell is an
edit of exactly one segment element.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspector.core.records import codes
from inspector.core.records.structure import Structure
from inspector.core.records.table import ColumnTable


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Where a table column comes from: the segment (via an ordinal column) and element."""

    column: str
    label: str
    segment_column: str | None  # name of the column holding the segment ordinal
    segment_id: str | None = None
    element: int | None = None  # 1-based element position inside the segment
    kind: str = "text"  # text | code | date | amount | id
    codes: dict[str, str] | None = None
    #: personal data the column holds, for masking (records/mask.py): "ssn", "date" (of
    #: birth or death), "name", "street", "city", "zip", "phone", "email"; None for none
    phi: str | None = None

    @property
    def element_name(self) -> str | None:
        if self.segment_id is None or self.element is None:
            return None
        return f"{self.segment_id}{self.element:02d}"


def _f(
    column: str,
    label: str,
    seg: str | None,
    sid: str | None = None,
    el: int | None = None,
    kind: str = "text",
    table: dict[str, str] | None = None,
    phi: str | None = None,
) -> FieldSpec:
    return FieldSpec(column, label, seg, sid, el, kind, table, phi)


MEMBER_FIELDS: dict[str, FieldSpec] = {
    f.column: f
    for f in [
        _f("member_pos", "#", "seg_ins"),
        _f("transaction", "Set", None),
        _f("subscriber_id", "Subscriber ID", "seg_ref_0f", "REF", 2, "id"),
        _f("is_subscriber", "Sub?", "seg_ins", "INS", 1, "code", codes.INS01),
        _f("relationship", "Relationship", "seg_ins", "INS", 2, "code", codes.RELATIONSHIP),
        _f("maintenance_type", "Maintenance", "seg_ins", "INS", 3, "code", codes.MAINTENANCE_TYPE),
        _f("maintenance_reason", "Reason", "seg_ins", "INS", 4, "code", codes.MAINTENANCE_REASON),
        _f("benefit_status", "Benefit status", "seg_ins", "INS", 5, "code", codes.BENEFIT_STATUS),
        _f("medicare_plan", "Medicare", "seg_ins", "INS", 6, "code", codes.MEDICARE_PLAN),
        _f("employment_status", "Employment", "seg_ins", "INS", 8, "code", codes.EMPLOYMENT_STATUS),
        _f("student_status", "Student", "seg_ins", "INS", 9, "code", codes.STUDENT_STATUS),
        _f("handicap", "Handicap", "seg_ins", "INS", 10, "code", codes.YES_NO),
        _f("death_date", "Death date", "seg_ins", "INS", 12, "date", phi="date"),
        _f("member_id", "Member ID", "seg_ref_id", "REF", 2, "id"),
        _f("member_ids", "Other IDs", "seg_ref_id"),
        _f("policy_number", "Policy no.", "seg_ref_1l", "REF", 2, "id"),
        _f("last_name", "Last name", "seg_nm1", "NM1", 3, phi="name"),
        _f("first_name", "First name", "seg_nm1", "NM1", 4, phi="name"),
        _f("middle_name", "Middle", "seg_nm1", "NM1", 5, phi="name"),
        _f("name_suffix", "Suffix", "seg_nm1", "NM1", 7),
        _f(
            "id_qualifier",
            "ID qual.",
            "seg_nm1",
            "NM1",
            8,
            "code",
            {"34": "SSN", "ZZ": "Mutually defined"},
        ),
        _f("ssn", "SSN", "seg_nm1", "NM1", 9, "id", phi="ssn"),
        _f("member_identifier", "NM1 ID", "seg_nm1", "NM1", 9, "id"),
        _f("birth_date", "Birth date", "seg_dmg", "DMG", 2, "date", phi="date"),
        _f("gender", "Gender", "seg_dmg", "DMG", 3, "code", codes.GENDER),
        _f("marital_status", "Marital", "seg_dmg", "DMG", 4, "code", codes.MARITAL_STATUS),
        _f("address1", "Address", "seg_n3", "N3", 1, phi="street"),
        _f("address2", "Address 2", "seg_n3", "N3", 2, phi="street"),
        _f("city", "City", "seg_n4", "N4", 1, phi="city"),
        _f("state", "State", "seg_n4", "N4", 2),
        _f("zip", "ZIP", "seg_n4", "N4", 3, "id", phi="zip"),
        _f("country", "Country", "seg_n4", "N4", 4),
        _f("phone", "Phone", "seg_per", phi="phone"),
        _f("email", "E-mail", "seg_per", phi="email"),
        _f("eligibility_begin", "Eligibility begin", "seg_dtp_356", "DTP", 3, "date"),
        _f("eligibility_end", "Eligibility end", "seg_dtp_357", "DTP", 3, "date"),
        _f("maintenance_effective", "Maint. effective", "seg_dtp_303", "DTP", 3, "date"),
        _f("other_dates", "Other dates", "seg_ins"),
        _f("coverage_count", "Coverages", "seg_ins"),
    ]
}

COVERAGE_FIELDS: dict[str, FieldSpec] = {
    f.column: f
    for f in [
        _f("coverage_pos", "#", "seg_hd"),
        _f("member_pos", "Member #", "seg_hd"),
        _f("transaction", "Set", None),
        _f("subscriber_id", "Subscriber ID", "seg_hd"),
        _f("member_name", "Member", "seg_hd", phi="name"),
        _f("is_subscriber", "Sub?", "seg_hd"),
        _f("maintenance_type", "Maintenance", "seg_hd", "HD", 1, "code", codes.MAINTENANCE_TYPE),
        _f("insurance_line", "Line", "seg_hd", "HD", 3, "code", codes.INSURANCE_LINE),
        _f("plan", "Plan", "seg_hd", "HD", 4),
        _f("coverage_level", "Level", "seg_hd", "HD", 5, "code", codes.COVERAGE_LEVEL),
        _f("benefit_begin", "Benefit begin", "seg_dtp_348", "DTP", 3, "date"),
        _f("benefit_end", "Benefit end", "seg_dtp_349", "DTP", 3, "date"),
        _f("other_dates", "Other dates", "seg_hd"),
        _f("policy_id", "Policy ID", "seg_ref_1l", "REF", 2, "id"),
        _f("plan_id", "Plan ID", "seg_ref_ce", "REF", 2, "id"),
        _f("other_refs", "Other refs", "seg_hd"),
    ]
}


def category_segment_column(category: str) -> str:
    """Name of the ordinal column behind a 2750 reporting-category column."""
    return f"seg_cat:{category}"


def member_frame(structure: Structure) -> pd.DataFrame:
    """One row per 2000 loop (INS), in file order."""
    return _frame(structure.members)


def coverage_frame(structure: Structure) -> pd.DataFrame:
    """One row per 2300 loop (HD), with the member's 2750 reporting categories as columns.

    Categories belong to the member (loop 2000), so each of a member's coverages shows them.
    A category sent twice for one member (e.g. two effective dates) shows both values.
    """
    df = _frame(structure.coverages)
    names = structure.category_names
    if not names or df.empty:
        return df
    cats = structure.categories
    member_index = cats.array("member")
    name_code = {name: k for k, name in enumerate(names)}
    codes = np.fromiter(
        (name_code[n] for n in cats.column("name")), dtype=np.int32, count=len(cats)
    )
    values = cats.array("value")
    ordinals = cats.array("segment")
    n_members = int(member_index.max()) + 1 if len(member_index) else 0
    value_grid = np.full((n_members, len(names)), "", dtype=object)
    ordinal_grid = np.zeros((n_members, len(names)), dtype=np.int32)
    value_grid[member_index, codes] = values
    ordinal_grid[member_index, codes] = ordinals
    rows = df["member_pos"].to_numpy() - 1
    inside = rows < n_members
    extra: dict[str, object] = {}
    for k, name in enumerate(names):
        column = np.full(len(df), "", dtype=object)
        column[inside] = value_grid[rows[inside], k]
        extra[name] = column
    for k, name in enumerate(names):
        column = np.zeros(len(df), dtype=np.int32)
        column[inside] = ordinal_grid[rows[inside], k]
        extra[category_segment_column(name)] = column
    cat_frame = pd.DataFrame(extra, index=df.index, copy=False)
    # Displayed columns first, then every seg_* column.
    shown = [c for c in df.columns if not c.startswith("seg_")]
    segs = [c for c in df.columns if c.startswith("seg_")]
    return pd.concat(
        [
            df[shown],
            cat_frame[list(names)],
            df[segs],
            cat_frame[[category_segment_column(n) for n in names]],
        ],
        axis=1,
    )


def coverage_field(column: str) -> FieldSpec | None:
    """FieldSpec of a coverage column, including dynamic 2750 category columns."""
    spec = COVERAGE_FIELDS.get(column)
    if spec is None and not column.startswith("seg_"):
        kind = "amount" if column in codes.FINANCIAL_CATEGORIES else "text"
        spec = FieldSpec(column, column.title(), category_segment_column(column), "REF", 2, kind)
    return spec


def display_columns(df: pd.DataFrame) -> list[str]:
    """Columns a person should see (ordinal columns hidden)."""
    return [c for c in df.columns if not str(c).startswith("seg_")]


def _frame(table: ColumnTable) -> pd.DataFrame:
    data = {name: table.array(name) for name in table.columns}
    return pd.DataFrame(data, columns=table.columns, copy=False)
