"""The overview of one file: what it does (adds, changes, terms, cancels ...), what it costs, and
which problems hit how many members. Pure pandas/numpy; the GUI's Overview page only shows it.

Two parts, because they change at different times:

- :func:`file_profile` depends on the tables only (computed once when the file is loaded, off the
  GUI thread, and again after an edit);
- :func:`problem_overview` depends on the findings too (recomputed while validation streams them
  in; one pass over the findings, no DataFrame per finding).

Decisions, so the figures can be checked by hand:

- **Members are counted, not findings.** "Members with errors" is the number of distinct
  ``member_pos`` among error findings; file-level findings (no member) are counted apart.
- **Maintenance (INS03)**: 021 add, 001 change, 024 cancellation or termination, 025
  reinstatement, 030 audit or compare; anything else is "other". A **024 is a cancellation** when
  the coverage ends on or before the day it begins (the CMS FFE convention: a cancel is sent with
  the end date equal to the begin date, i.e. the coverage never took effect); otherwise, and when
  either date is missing, it is a termination. The begin date is the member's eligibility begin
  (DTP*356), else the earliest benefit begin (DTP*348) of its coverages; the end date is the
  eligibility end (DTP*357), else the latest benefit end (DTP*349). Only INS03 counts: a change
  (001) member who drops one of two coverages (HD01 024) stays a change.
- **Plans**: a coverage's plan is its REF*CE plan id (HIOS id) when given, else the HD04 plan
  text; a member with two coverages of one plan counts once for it.
- **Amounts** come from the 2750 reporting categories (PRE AMT 1, PRE AMT TOT, APTC AMT, CSR
  AMT, TOT RES AMT ...). They belong to the member (loop 2000), and the coverage table repeats
  them on each of the member's coverages, so each member is summed **once**, not once per
  coverage row. Totals are kept in cents (no float drift). A value that is not a plain amount,
  or a category sent twice for one member ("a; b", several effective dates), is left out of the
  total and counted in ``left_out``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from inspector.core.export.tables import rule_titles, rules_frame
from inspector.core.findings import Finding
from inspector.core.records.codes import AMOUNT_PATTERN
from inspector.core.records.document import Document

#: Member actions in the order a clerk reads them: key, title, INS03 code, what it means.
ACTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("adds", "Adds", "021", "INS03 = 021 (addition)"),
    ("changes", "Changes", "001", "INS03 = 001 (change)"),
    ("terms", "Terms", "024", "INS03 = 024 ending on a day after the coverage began"),
    ("cancels", "Cancels", "024", "INS03 = 024 ending on or before the day the coverage began"),
    ("reinstatements", "Reinstatements", "025", "INS03 = 025 (reinstatement)"),
    ("audits", "Audits", "030", "INS03 = 030 (audit or compare)"),
    ("other", "Other", "", "another or no INS03 code"),
)
ACTION_KEYS = tuple(a[0] for a in ACTIONS)
ACTION_TITLES = {a[0]: a[1] for a in ACTIONS}
_CODE_ACTION = {"021": "adds", "001": "changes", "025": "reinstatements", "030": "audits"}

#: The 2750 amounts shown, in this order, with the clerk's name for each.
AMOUNTS: tuple[tuple[str, str], ...] = (
    ("PRE AMT TOT", "Total premium"),
    ("PRE AMT 1", "Member premiums"),
    ("APTC AMT", "APTC"),
    ("CSR AMT", "CSR"),
    ("TOT RES AMT", "Member pays"),
    ("TOT EMP RES AMT", "Employer pays"),
    ("OTH PAY AMT 1", "Other payment 1"),
    ("OTH PAY AMT 2", "Other payment 2"),
)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # ASCII digits (\d is Unicode)
NO_PLAN = "(no plan)"


@dataclass(frozen=True)
class AmountTotal:
    """The sum of one 2750 amount over the members that carry it."""

    category: str  # N102, e.g. "APTC AMT"
    title: str  # "APTC"
    cents: int
    members: int  # members whose value was summed
    left_out: int  # members whose value is not one plain amount

    @property
    def total(self) -> float:
        return self.cents / 100


@dataclass
class FileProfile:
    """What a file holds, independent of its findings."""

    members: int
    subscribers: int
    dependents: int
    coverages: int
    actions: dict[str, int]  # ACTION_KEYS -> members
    member_action: np.ndarray  # per member row: index into ACTION_KEYS
    member_pos: np.ndarray  # per member row: its member_pos (ascending)
    plans: pd.DataFrame  # Plan, Plan ID, Name, Line, Members, Coverages (most members first)
    plan_members: dict[str, np.ndarray]  # plan -> the member_pos covered by it
    totals: list[AmountTotal] = field(default_factory=list)

    def action(self, key: str) -> int:
        return self.actions.get(key, 0)


@dataclass
class ProblemOverview:
    """What the findings known so far say about the members."""

    members_with_errors: int
    members_with_warnings: int
    members_with_warnings_only: int
    file_level: int  # findings on no member (envelope, header)
    findings: int
    by_rule: pd.DataFrame  # Code, Rule, Severity, Findings, Members (worst and widest first)
    by_action: pd.DataFrame  # Action, Members, With errors, With warnings
    by_plan: pd.DataFrame  # FileProfile.plans plus With errors, With warnings


def classify_actions(members: pd.DataFrame, coverage: pd.DataFrame) -> np.ndarray:
    """Per member row, the index into :data:`ACTION_KEYS` of what the member's INS03 does (024
    split into termination and cancellation as the module docstring says)."""
    n = len(members)
    key_index = {k: i for i, k in enumerate(ACTION_KEYS)}
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    # a handful of distinct values ("021 Addition" ...): classify those, not 50,000 strings
    codes, uniques = pd.factorize(members["maintenance_type"].to_numpy(), use_na_sentinel=False)
    of_unique = np.array(
        [key_index[_CODE_ACTION.get(str(u)[:3], "other")] for u in uniques], dtype=np.int8
    )
    out = of_unique[codes] if len(uniques) else np.full(n, key_index["other"], dtype=np.int8)
    ending_codes = [k for k, u in enumerate(uniques) if str(u)[:3] == "024"]
    ending = np.flatnonzero(np.isin(codes, ending_codes))
    if not len(ending):
        return out
    begin = _iso(members["eligibility_begin"].iloc[ending])
    end = _iso(members["eligibility_end"].iloc[ending])
    if len(coverage):
        pos = members["member_pos"].iloc[ending].to_numpy()
        cov = coverage[coverage["member_pos"].isin(pos)]
        if len(cov):
            by = pd.DataFrame(
                {
                    "member_pos": cov["member_pos"].to_numpy(),
                    "b": _iso(cov["benefit_begin"]).to_numpy(),
                    "e": _iso(cov["benefit_end"]).to_numpy(),
                }
            )
            first_begin = by[by["b"] != ""].groupby("member_pos")["b"].min()
            last_end = by[by["e"] != ""].groupby("member_pos")["e"].max()
            begin = begin.where(begin != "", _lookup(pos, first_begin))
            end = end.where(end != "", _lookup(pos, last_end))
    cancelled = ((begin != "") & (end != "") & (end <= begin)).to_numpy()
    out[ending] = np.where(cancelled, key_index["cancels"], key_index["terms"])
    return out


def _lookup(keys: np.ndarray, table: pd.Series) -> pd.Series:
    """``table[key]`` for each key, "" where there is none."""
    found = {k: str(v) for k, v in table.items()}
    return pd.Series([found.get(k, "") for k in keys.tolist()], dtype=object)


def _iso(values: pd.Series) -> pd.Series:
    """CCYY-MM-DD values as they are; anything else (empty, not a date) as ""."""
    text = values.astype(str).reset_index(drop=True)
    return text.where(text.str.match(_ISO_DATE), "")


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[name].fillna("").to_numpy(dtype=object)


def _plans(coverage: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Members and coverages per plan (REF*CE plan id, else HD04), most members first."""
    columns = ["Plan", "Plan ID", "Name", "Line", "Members", "Coverages"]
    if not len(coverage):
        return pd.DataFrame(columns=columns), {}
    plan_id, text = _column(coverage, "plan_id"), _column(coverage, "plan")
    key = np.where(plan_id != "", plan_id, text)
    key = np.where(key != "", key, NO_PLAN)
    codes, uniques = pd.factorize(key)
    first = np.unique(codes, return_index=True)[1]  # the first row of each plan
    lines = _column(coverage, "insurance_line")
    labels = [f"{k} {t}" if t and t != k else str(k) for k, t in zip(uniques, text[first].tolist())]
    pos = coverage["member_pos"].to_numpy().astype(np.int64)
    pairs = np.unique(codes.astype(np.int64) * (int(pos.max()) + 1) + pos)
    pair_plan, pair_pos = np.divmod(pairs, int(pos.max()) + 1)
    table = pd.DataFrame(
        {
            "Plan": labels,
            "Plan ID": np.where(plan_id[first] != "", plan_id[first], ""),
            "Name": text[first],
            "Line": lines[first],
            "Members": np.bincount(pair_plan, minlength=len(uniques)),
            "Coverages": np.bincount(codes, minlength=len(uniques)),
        }
    )
    order = table.sort_values(["Members", "Plan"], ascending=[False, True], kind="mergesort")
    members = {labels[k]: pair_pos[pair_plan == k] for k in order.index}
    return order.reset_index(drop=True), members


def amount_totals(coverage: pd.DataFrame) -> list[AmountTotal]:
    """The sums of the 2750 amounts in the coverage table, each member once (see the module
    docstring); categories the file does not carry are left out."""
    out: list[AmountTotal] = []
    present = [(c, t) for c, t in AMOUNTS if c in coverage.columns]
    if not present or not len(coverage):
        return out
    once = _first_of_each_member(coverage["member_pos"].to_numpy())
    for category, title in present:
        values = _column(coverage, category)[once]
        given = values[values != ""].tolist()
        cents, summed = _cents(given)
        out.append(AmountTotal(category, title, cents, summed, len(given) - summed))
    return out


_AMOUNT_CHARS = frozenset("0123456789.-")


def _cents(values: list) -> tuple[int, int]:
    """The sum in cents of the plain amounts among ``values``, and how many there were."""
    try:
        if set("".join(values)) <= _AMOUNT_CHARS:  # the usual case: one vectorised conversion
            numbers = np.array(values, dtype=float)
            return int(np.round(numbers * 100).astype(np.int64).sum()), len(values)
    except (TypeError, ValueError):
        pass  # "1-2", "-", a value that is no text: value by value
    cents = summed = 0
    for value in values:
        if isinstance(value, str) and AMOUNT_PATTERN.match(value):
            cents += round(float(value) * 100)
            summed += 1
    return cents, summed


def _first_of_each_member(member_pos: np.ndarray) -> np.ndarray:
    """Row positions of each member's first coverage (rows of one member are adjacent)."""
    if not len(member_pos):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, member_pos[1:] != member_pos[:-1]])


def file_profile(doc: Document) -> FileProfile:
    """The findings-independent part of the overview (see the module docstring)."""
    members, coverage = doc.members, doc.coverage
    member_action = classify_actions(members, coverage)
    counts = np.bincount(member_action, minlength=len(ACTION_KEYS))
    subscribers = int((members["is_subscriber"] == "Y").sum()) if len(members) else 0
    plans, plan_members = _plans(coverage)
    return FileProfile(
        members=len(members),
        subscribers=subscribers,
        dependents=len(members) - subscribers,
        coverages=len(coverage),
        actions={k: int(counts[i]) for i, k in enumerate(ACTION_KEYS)},
        member_action=member_action,
        member_pos=members["member_pos"].to_numpy() if len(members) else np.zeros(0, np.int64),
        plans=plans,
        plan_members=plan_members,
        totals=amount_totals(coverage),
    )


class ProblemTally:
    """Running counts of findings by rule and member, fed batch by batch while the checks stream
    findings in: :meth:`overview` then costs O(rules + members with problems), not O(findings)
    (200,000 findings would take about a second to recount each time)."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self.errors: set[int] = set()
        self.warnings: set[int] = set()
        self.file_level = 0
        self.findings = 0
        self.rules: dict[tuple[str, str], list] = {}  # (code, severity) -> [findings, members]
        self.first_message: dict[str, str] = {}
        self.add(findings)

    def add(self, findings: Iterable[Finding]) -> None:
        rules, first = self.rules, self.first_message
        for f in findings:
            self.findings += 1
            entry = rules.get((f.code, f.severity))
            if entry is None:
                entry = rules[(f.code, f.severity)] = [0, set()]
                first.setdefault(f.code, f.message)
            entry[0] += 1
            pos = f.member_pos
            if pos is None:
                self.file_level += 1
                continue
            entry[1].add(pos)
            if f.severity == "error":
                self.errors.add(pos)
            elif f.severity == "warning":
                self.warnings.add(pos)

    def by_rule(self) -> pd.DataFrame:
        """One row per rule (code and severity) as :func:`~.tables.findings_by_rule` has it,
        worst and most widespread first; a check without a catalogue title (implementation
        guide, envelope) is described by the message of its first finding."""
        titles = rule_titles()
        return rules_frame(
            [
                (code, titles.get(code) or self.first_message.get(code, ""), sev, n, len(m))
                for (code, sev), (n, m) in self.rules.items()
            ]
        )

    def overview(self, profile: FileProfile) -> ProblemOverview:
        errors, warnings = self.errors, self.warnings
        error_pos = np.fromiter(errors, dtype=np.int64, count=len(errors))
        warning_pos = np.fromiter(warnings, dtype=np.int64, count=len(warnings))
        is_error = np.isin(profile.member_pos, error_pos)
        is_warning = np.isin(profile.member_pos, warning_pos)
        n_actions = len(ACTION_KEYS)
        actions = profile.member_action
        by_action = pd.DataFrame(
            {
                "Action": [ACTION_TITLES[k] for k in ACTION_KEYS],
                "Members": np.bincount(actions, minlength=n_actions),
                "With errors": np.bincount(actions[is_error], minlength=n_actions),
                "With warnings": np.bincount(actions[is_warning], minlength=n_actions),
            }
        )
        by_action = by_action[by_action["Members"] > 0].reset_index(drop=True)
        by_plan = profile.plans.copy()
        by_plan["With errors"] = [
            int(np.isin(profile.plan_members[p], error_pos).sum()) for p in by_plan["Plan"]
        ]
        by_plan["With warnings"] = [
            int(np.isin(profile.plan_members[p], warning_pos).sum()) for p in by_plan["Plan"]
        ]
        return ProblemOverview(
            members_with_errors=len(errors),
            members_with_warnings=len(warnings),
            members_with_warnings_only=len(warnings - errors),
            file_level=self.file_level,
            findings=self.findings,
            by_rule=self.by_rule(),
            by_action=by_action,
            by_plan=by_plan,
        )


def problem_overview(profile: FileProfile, findings: Iterable[Finding]) -> ProblemOverview:
    """The findings-dependent part: members with errors/warnings, by rule, action and plan."""
    return ProblemTally(findings).overview(profile)


def members_with_rule(
    findings: Iterable[Finding], code: str, severity: str | None = None
) -> set[int]:
    """The ``member_pos`` of every member with a finding of rule ``code`` (and ``severity``):
    what the overview counts as the rule's "members affected"."""
    return {
        f.member_pos
        for f in findings
        if f.code == code
        and f.member_pos is not None
        and (severity is None or f.severity == severity)
    }
