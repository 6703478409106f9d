"""Matching members of two rosters: subscriber id + member id, then SSN, then name + birth date.

Each key is one pandas merge over whole columns. A key only pairs rows of which at least one is
still unpaired, so a member found again by a weaker key after a stronger one has paired it is a
second match, i.e. a duplicate ("matches two members on the other side").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from inspector.core.export.compare.roster import Roster

MATCH_ID = "subscriber id + member id"
MATCH_SUBSCRIBER = "subscriber id"
MATCH_SSN = "SSN"
MATCH_NAME = "name + birth date"

#: SSNs that stand for "not known" and must never pair two people.
PLACEHOLDER_SSNS = frozenset(
    {"000000000", "111111111", "123456789", "999999999", "999999998", "888888888"}
)


def _column(r: Roster, name: str) -> np.ndarray:
    values = r.members.get(name)
    return values if values is not None else np.full(len(r), "", dtype=object)


def id_keys(r: Roster, with_member_id: bool) -> pd.Series:
    """``subscriber|member`` (or ``subscriber|`` for a subscriber without a member id);
    empty where the member has no usable id."""
    sub = pd.Series(_column(r, "subscriber_id"), dtype=object)
    member = pd.Series(_column(r, "member_id"), dtype=object) if with_member_id else None
    is_sub = (pd.Series(_column(r, "is_subscriber")) == "Y") | (
        pd.Series(_column(r, "relationship")) == "18"
    )
    if member is None:
        key = sub.where(is_sub & (sub != ""), "")
        return key
    key = sub + "|" + member
    key = key.where(member != "", (sub + "|").where(is_sub, ""))
    return key.where(sub != "", "")


def ssn_keys(r: Roster) -> pd.Series:
    ssn = pd.Series(_column(r, "ssn"), dtype=object).str.replace("-", "", regex=False)
    ok = ssn.str.fullmatch(r"[0-9]{9}") & ~ssn.isin(PLACEHOLDER_SSNS)  # [0-9]: \d is Unicode
    return ssn.where(ok, "")


def name_keys(r: Roster) -> pd.Series:
    last = pd.Series(_column(r, "last_name"), dtype=object)
    first = pd.Series(_column(r, "first_name"), dtype=object)
    birth = pd.Series(_column(r, "birth_date"), dtype=object)
    key = last + "|" + first + "|" + birth
    return key.where((last != "") & (first != "") & (birth != ""), "")


def match_members(old: Roster, new: Roster) -> pd.DataFrame:
    """Pairs ``o``, ``n`` (member positions) with the ``match`` key that paired them."""
    with_member_id = "member_id" in old.fields and "member_id" in new.fields
    id_label = MATCH_ID if with_member_id else MATCH_SUBSCRIBER
    steps = [
        (id_label, id_keys(old, with_member_id), id_keys(new, with_member_id)),
        (MATCH_SSN, ssn_keys(old), ssn_keys(new)),
        (MATCH_NAME, name_keys(old), name_keys(new)),
    ]
    old_used = np.zeros(len(old), dtype=bool)
    new_used = np.zeros(len(new), dtype=bool)
    found: list[pd.DataFrame] = []
    for label, old_key, new_key in steps:
        pairs = _pairs(old_key, new_key)
        if found:  # a pair both of whose members are already paired adds nothing
            pairs = pairs[~(old_used[pairs["o"]] & new_used[pairs["n"]])]
        if pairs.empty:
            continue
        pairs = pairs.assign(match=label)
        found.append(pairs)
        old_used[pairs["o"].to_numpy()] = True
        new_used[pairs["n"].to_numpy()] = True
    if not found:
        return pd.DataFrame({"o": [], "n": [], "match": []}).astype({"o": int, "n": int})
    out = pd.concat(found, ignore_index=True)
    return out.sort_values(["o", "n"], kind="mergesort", ignore_index=True)


def _pairs(old_key: pd.Series, new_key: pd.Series) -> pd.DataFrame:
    a = pd.DataFrame({"k": old_key.to_numpy(), "o": np.arange(len(old_key))})
    b = pd.DataFrame({"k": new_key.to_numpy(), "n": np.arange(len(new_key))})
    a = a[a["k"] != ""]
    b = b[b["k"] != ""]
    return a.merge(b, on="k", how="inner", sort=False)[["o", "n"]]
