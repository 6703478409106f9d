"""What compare looks at: the member and coverage fields, their kind and how values are normalised.

Values are compared after normalisation, so that the same fact written two ways is not a change:
codes by their code (``"021 Addition"`` and ``"021"`` agree), text upper-cased with blanks
collapsed, dates as CCYY-MM-DD (``20270101``, ``2027-01-01``, ``01/01/2027``), amounts to the
cent (``12.5`` and ``12.50``). Every normaliser works on a whole column (pandas string methods).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from inspector.core.records.codes import FINANCIAL_CATEGORIES


@dataclass(frozen=True, slots=True)
class Field:
    """One compared column: its kind (text | code | id | date | amount) and report group."""

    name: str
    kind: str
    group: str


def _fields(group: str, kind: str, names: str) -> list[Field]:
    return [Field(n, kind, group) for n in names.split()]


#: Who a member is. A difference here on an id match is an identity change, not a change.
IDENTITY_FIELDS: tuple[str, ...] = ("ssn", "last_name", "first_name", "birth_date")

#: Member fields compared field by field (maintenance type and reason are the transaction, not
#: the enrollment: they decide terminations and are never reported as a change).
MEMBER_COMPARED: dict[str, Field] = {
    f.name: f
    for f in [
        *_fields("identity", "id", "ssn"),
        *_fields("identity", "text", "last_name first_name"),
        *_fields("identity", "date", "birth_date"),
        *_fields("ids", "id", "subscriber_id member_id policy_number"),
        *_fields("relationship", "code", "is_subscriber relationship"),
        *_fields("demographics", "text", "middle_name name_suffix"),
        *_fields("demographics", "code", "gender marital_status"),
        *_fields("demographics", "date", "death_date"),
        *_fields("address", "text", "address1 address2 city state country phone email"),
        *_fields("address", "id", "zip"),
        *_fields("status", "code", "benefit_status employment_status student_status handicap"),
        *_fields("dates", "date", "eligibility_begin eligibility_end"),
    ]
}

#: Columns a member table needs besides the compared ones (classification only).
MEMBER_STATUS: tuple[str, ...] = ("maintenance_type", "maintenance_reason")

#: Coverage (2300 loop) fields compared; ``insurance_line`` is part of the coverage's key.
COVERAGE_COMPARED: dict[str, Field] = {
    f.name: f
    for f in [
        *_fields("plan", "text", "plan"),
        *_fields("plan", "id", "plan_id policy_id"),
        *_fields("plan", "code", "coverage_level"),
        *_fields("coverage dates", "date", "benefit_begin benefit_end"),
    ]
}
COVERAGE_STATUS: tuple[str, ...] = ("insurance_line", "maintenance_type")

#: Every name a column mapping (``--map``) may use, besides 2750 category names.
KNOWN_NAMES: frozenset[str] = frozenset(
    [*MEMBER_COMPARED, *MEMBER_STATUS, *COVERAGE_COMPARED, *COVERAGE_STATUS]
)

TERMINATION = "024"
AUDIT_MAINTENANCE = "030"
#: BGN08 action codes of a file that lists the whole population (verify/audit, replace).
FULL_FILE_ACTIONS = frozenset({"4", "RX"})


def category_field(name: str) -> Field:
    """A 2750 reporting category (``APTC AMT``, ``RATING AREA`` ...) as a compared member field."""
    kind = "amount" if name.upper() in FINANCIAL_CATEGORIES else "text"
    return Field(name, kind, "amounts" if kind == "amount" else "reporting categories")


# ---------------------------------------------------------------------------------------------
def _text(s: pd.Series) -> pd.Series:
    return s.str.strip().str.upper().str.replace(r"\s+", " ", regex=True)


def _code(s: pd.Series) -> pd.Series:
    return s.str.strip().str.partition(" ")[0].str.upper()


def _id(s: pd.Series) -> pd.Series:
    return s.str.strip().str.upper()


def _date(s: pd.Series) -> pd.Series:
    # [0-9], not \d: \d matches every Unicode digit (١٩٨١٠٢٢٨ is no date; records/charset.py)
    s = s.str.strip()
    out = s.copy()
    eight = s.str.fullmatch(r"[0-9]{8}")
    out[eight] = s[eight].str.slice(0, 4) + "-" + s[eight].str.slice(4, 6) + "-" + s[eight].str[6:]
    stamp = s.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T]00:00:00")  # an Excel date read as text
    out[stamp] = s[stamp].str.slice(0, 10)
    us = s.str.extract(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
    ok = us[0].notna()
    out[ok] = us.loc[ok, 2] + "-" + us.loc[ok, 0].str.zfill(2) + "-" + us.loc[ok, 1].str.zfill(2)
    return out


def _amount(s: pd.Series) -> pd.Series:
    s = s.str.strip()
    number = pd.to_numeric(s.str.replace(r"[$,]", "", regex=True), errors="coerce")
    out = s.copy()
    ok = number.notna()
    out[ok] = number[ok].round(2).map("{:.2f}".format)
    return out


_NORMALISERS = {"text": _text, "code": _code, "id": _id, "date": _date, "amount": _amount}


def normalise(values: pd.Series | np.ndarray, kind: str) -> np.ndarray:
    """A column as the object array of strings compare uses ('' for missing).

    Only the distinct values are normalised (a column of 50,000 members holds a few hundred
    codes, dates or cities): 44 columns x 2 files took 6.4 s value by value, 0.3 s this way.
    """
    raw = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object).fillna("").astype(str)
    if distinct.empty:
        return np.full(len(codes), "", dtype=object)
    table = np.asarray(_NORMALISERS[kind](distinct), dtype=object)
    if (codes >= 0).all() and bool((table == np.asarray(uniques, dtype=object)).all()):
        return raw  # already normal (most 834 columns): share the array, no copy
    out = table[codes]
    out[codes < 0] = ""
    return out


def date_number(values: np.ndarray) -> np.ndarray:
    """Normalised CCYY-MM-DD dates as float CCYYMMDD (NaN where blank or not a date), so that
    per-member minima and maxima run in pandas' compiled group-bys."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    digits = pd.Series(np.asarray(uniques, dtype=object), dtype=object).fillna("").astype(str)
    digits = digits.str.replace("-", "", regex=False)
    number = pd.to_numeric(digits.where(digits.str.fullmatch(r"[0-9]{8}"), None), errors="coerce")
    table = np.append(number.to_numpy(dtype=float), np.nan)  # index -1: missing
    return table[codes]
