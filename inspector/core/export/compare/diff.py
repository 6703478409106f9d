"""Field-level differences of paired members and their coverages (2300 loops), column-wise.

A difference is one row of a long table: result row, level (member | coverage), the coverage it
belongs to (``HLT``, ``DEN #2`` ...), the field's group and name, and the old and new values as
shown. Every field is one vectorised comparison over all pairs, never a loop over members.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspector.core.export.compare.fields import (
    COVERAGE_COMPARED,
    IDENTITY_FIELDS,
    MEMBER_COMPARED,
    TERMINATION,
    category_field,
)
from inspector.core.export.compare.roster import Roster

CHANGE_COLUMNS = ["row", "level", "coverage", "group", "field", "old", "new"]
COVERAGE_RESULT_COLUMNS = [
    "row",
    "coverage",
    "status",
    "old_coverage",
    "new_coverage",
    "old_where",
    "new_where",
    "changed",
]
COVERAGE_ADDED, COVERAGE_REMOVED = "added", "removed"
COVERAGE_TERMINATED, COVERAGE_CHANGED, COVERAGE_UNCHANGED = "terminated", "changed", "unchanged"


def compared_fields(old: Roster, new: Roster) -> list[str]:
    """Member fields both sides have, in report order (a table compares only its columns)."""
    names = [n for n in MEMBER_COMPARED if n in old.fields and n in new.fields]
    categories = [c for c in dict.fromkeys([*old.categories, *new.categories])]
    if old.kind == "834" and new.kind == "834":
        return names + categories  # a category sent on one side only is a change
    return names + [c for c in categories if c in old.fields and c in new.fields]


def member_changes(
    old: Roster, new: Roster, o: np.ndarray, n: np.ndarray, rows: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Differences of the pairs ``(o[i], n[i])`` reported on result ``rows[i]``, and per pair
    whether an identity field (SSN, name, birth date) differs with both sides filled in."""
    parts: list[pd.DataFrame] = []
    identity = np.zeros(len(o), dtype=bool)
    blank = np.full(len(o), "", dtype=object)
    for name in compared_fields(old, new):
        a = old.members[name][o] if name in old.members else blank
        b = new.members[name][n] if name in new.members else blank
        differs = a != b
        if not differs.any():
            continue
        if name in IDENTITY_FIELDS:
            identity |= differs & (a != "") & (b != "")
        where = np.flatnonzero(differs)
        spec = MEMBER_COMPARED.get(name) or category_field(name)
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[where],
                    "level": "member",
                    "coverage": "",
                    "group": spec.group,
                    "field": name,
                    "old": _shown(old, name, o[where]),
                    "new": _shown(new, name, n[where]),
                }
            )
        )
    return _concat(parts, CHANGE_COLUMNS), identity


def _shown(r: Roster, name: str, at: np.ndarray) -> np.ndarray:
    values = r.shown.get(name)
    return values[at] if values is not None else np.full(len(at), "", dtype=object)


def _concat(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


# ---------------------------------------------------------------------------------------------
def coverage_fields(old: Roster, new: Roster) -> list[str]:
    return [f for f in COVERAGE_COMPARED if f"n:{f}" in old.coverage and f"n:{f}" in new.coverage]


def coverage_changes(
    old: Roster, new: Roster, o: np.ndarray, n: np.ndarray, rows: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverages of the paired members matched by (line, occurrence within the line):
    the per-coverage result (status added/removed/terminated/changed/unchanged) and the
    field differences of the coverages found on both sides."""
    fields = coverage_fields(old, new)
    if not fields:
        return _concat([], COVERAGE_RESULT_COLUMNS), _concat([], CHANGE_COLUMNS)
    left = _coverage_of_pairs(old.coverage, o, rows)
    right = _coverage_of_pairs(new.coverage, n, rows)
    both = left.merge(
        right, on=["row", "line", "occurrence"], how="outer", suffixes=("_o", "_n"), sort=True
    )
    has_old = both["cov_o"].notna().to_numpy()
    has_new = both["cov_n"].notna().to_numpy()
    label = both["line"].where(
        both["occurrence"] == 0, both["line"] + " #" + (both["occurrence"] + 1).astype(str)
    )
    parts: list[pd.DataFrame] = []
    changed_any = np.zeros(len(both), dtype=bool)
    names = np.full(len(both), "", dtype=object)
    for name in fields:
        a = both[f"n:{name}_o"].to_numpy()
        b = both[f"n:{name}_n"].to_numpy()
        differs = has_old & has_new & (a != b)
        if not differs.any():
            continue
        changed_any |= differs
        names[differs] = names[differs] + np.where(names[differs] == "", "", ", ") + name
        where = np.flatnonzero(differs)
        parts.append(
            pd.DataFrame(
                {
                    "row": both["row"].to_numpy()[where],
                    "level": "coverage",
                    "coverage": label.to_numpy()[where],
                    "group": COVERAGE_COMPARED[name].group,
                    "field": name,
                    "old": both[f"s:{name}_o"].to_numpy()[where],
                    "new": both[f"s:{name}_n"].to_numpy()[where],
                }
            )
        )
    status = _coverage_status(both, has_old, has_new, changed_any)
    parts.append(_presence_changes(both, status, label))
    result = pd.DataFrame(
        {
            "row": both["row"].to_numpy(),
            "coverage": label.to_numpy(),
            "status": status,
            "old_coverage": both["cov_o"].astype("Int64").to_numpy(),
            "new_coverage": both["cov_n"].astype("Int64").to_numpy(),
            "old_where": both["where_o"].astype("Int64").to_numpy(),
            "new_where": both["where_n"].astype("Int64").to_numpy(),
            "changed": names,
        }
    )
    return result, _concat(parts, CHANGE_COLUMNS)


def _presence_changes(both: pd.DataFrame, status: np.ndarray, label: pd.Series) -> pd.DataFrame:
    """A coverage added, removed or terminated as one difference of its own."""
    show = [c for c in ("s:plan_o", "s:plan_n") if c in both]
    plan_o = both[show[0]].fillna("").to_numpy() if show else np.full(len(both), "", object)
    plan_n = both[show[-1]].fillna("").to_numpy() if show else np.full(len(both), "", object)
    term_o = both.get("s:maintenance_type_o", pd.Series("", index=both.index)).fillna("")
    term_n = both.get("s:maintenance_type_n", pd.Series("", index=both.index)).fillna("")
    old = np.where(
        status == COVERAGE_ADDED, "", np.where(status == COVERAGE_REMOVED, plan_o, term_o)
    )
    new = np.where(
        status == COVERAGE_REMOVED, "", np.where(status == COVERAGE_ADDED, plan_n, term_n)
    )
    field = np.where(status == COVERAGE_TERMINATED, "maintenance_type", "coverage")
    keep = np.isin(status, [COVERAGE_ADDED, COVERAGE_REMOVED, COVERAGE_TERMINATED])
    return pd.DataFrame(
        {
            "row": both["row"].to_numpy()[keep],
            "level": "coverage",
            "coverage": label.to_numpy()[keep],
            "group": "coverage",
            "field": field[keep],
            "old": old[keep],
            "new": new[keep],
        }
    )


def _coverage_of_pairs(cov: pd.DataFrame, members: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    pairs = pd.DataFrame({"member": members, "row": rows})
    keep = ["member", "line", "occurrence", "where"] + [
        c for c in cov.columns if c[:2] in ("n:", "s:")
    ]
    table = cov[keep].assign(cov=np.arange(len(cov)))
    return pairs.merge(table, on="member", how="inner", sort=False).drop(columns="member")


def _coverage_status(
    both: pd.DataFrame, has_old: np.ndarray, has_new: np.ndarray, changed: np.ndarray
) -> np.ndarray:
    status = np.full(len(both), COVERAGE_UNCHANGED, dtype=object)
    status[changed] = COVERAGE_CHANGED
    if "n:maintenance_type_n" in both and "n:maintenance_type_o" in both:
        new_term = both["n:maintenance_type_n"].to_numpy() == TERMINATION
        old_term = both["n:maintenance_type_o"].to_numpy() == TERMINATION
        status[has_old & has_new & new_term & ~old_term] = COVERAGE_TERMINATED
    status[has_old & ~has_new] = COVERAGE_REMOVED
    status[has_new & ~has_old] = COVERAGE_ADDED
    return status
