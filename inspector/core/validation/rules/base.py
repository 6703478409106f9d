"""Business-rule machinery: the rule registry, profiles and small helpers shared by rules.

A rule is a short function decorated with :func:`rule`. It receives a
:class:`~inspector.core.validation.rules.views.MemberView` (scope ``"member"``) or a
:class:`~inspector.core.validation.rules.views.TransactionView` (scope ``"transaction"``) and
yields :class:`Problem` tuples; the runner in :mod:`inspector.core.validation.rules` turns them
into :class:`~inspector.core.findings.Finding` objects carrying the rule's code and severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from inspector.core.records.codes import AMOUNT_PATTERN
from inspector.core.records.dates import date_problem

if TYPE_CHECKING:
    from inspector.core.validation.rules.context import TransactionView
    from inspector.core.validation.rules.views import MemberView

PROFILES: dict[str, str] = {
    "ffe": "CMS Federally-facilitated Exchange (HealthCare.gov) companion-guide checks on the "
    "2750 reporting categories: rating-area format, DTP*007 dates on financial "
    "categories, PRE AMT TOT = sum of PRE AMT 1, subscriber-only categories.",
}


class Problem(NamedTuple):
    """What a rule reports; the runner adds code, severity (unless overridden) and source."""

    segment: int
    element: str | None
    value: str | None
    message: str
    severity: str | None = None  # None = the rule's severity
    member: MemberView | None = None  # for transaction rules: the member it concerns
    extra: dict | None = None


@dataclass
class Rule:
    """One registered business rule (one code; a member and/or a transaction function)."""

    code: str
    severity: str
    profile: str | None
    title: str
    member: Callable[[MemberView], Iterable[Problem] | None] | None = None
    transaction: Callable[[TransactionView], Iterable[Problem] | None] | None = None
    extra_severities: tuple[str, ...] = field(default=())
    applies_to: str = "members"  # member functions: "members", "subscribers" or "dependents"
    uses: tuple[str, ...] = ()  # member fields a transaction function needs kept (see release)


RULES: list[Rule] = []
_BY_CODE: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    severity: str,
    title: str,
    profile: str | None = None,
    scope: str = "member",
    also: tuple[str, ...] = (),
    applies_to: str = "members",
    uses: tuple[str, ...] = (),
) -> Callable:
    """Register a rule function. ``scope`` is ``"member"`` or ``"transaction"``.

    The same code may be registered twice (once per scope) with identical metadata; ``also``
    lists other severities the rule may give single findings (e.g. a warning that becomes an
    error for additions). ``applies_to`` ("subscribers"/"dependents", by INS01) lets the runner
    skip a member function for members it cannot concern. A transaction function sees members
    after :meth:`MemberView.release`; ``uses=("categories",)`` keeps their categories.
    """
    if scope not in ("member", "transaction"):
        raise ValueError(f"unknown rule scope {scope!r}")
    if applies_to not in ("members", "subscribers", "dependents"):
        raise ValueError(f"unknown applies_to {applies_to!r}")
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"unknown rule profile {profile!r}")

    def register(fn: Callable) -> Callable:
        r = _BY_CODE.get(code)
        if r is None:
            r = Rule(code, severity, profile, title, extra_severities=also)
            _BY_CODE[code] = r
            RULES.append(r)
        elif (r.severity, r.profile) != (severity, profile):
            raise ValueError(f"rule {code} registered twice with different metadata")
        if getattr(r, scope) is not None:
            raise ValueError(f"rule {code} already has a {scope} function")
        setattr(r, scope, fn)
        if scope == "member":
            r.applies_to = applies_to
        else:
            r.uses = tuple(uses)
        return fn

    return register


# ----------------------------------------------------------------------------------------------
# Small helpers shared by rules
# ----------------------------------------------------------------------------------------------
_DATE_OK: dict[str, bool] = {}


def is_date(value: str) -> bool:
    """True for a real CCYYMMDD date (a dict lookup for dates already seen)."""
    ok = _DATE_OK.get(value)
    if ok is None:
        ok = date_problem(value) is None
        if len(_DATE_OK) < 100_000:
            _DATE_OK[value] = ok
    return ok


_AMOUNTS: dict[str, float | None] = {}


def parse_amount(value: str) -> float | None:
    """A plain decimal number (X12 type R: digits, optional '-' and '.'), else None."""
    try:
        return _AMOUNTS[value]
    except KeyError:
        x = float(value) if AMOUNT_PATTERN.match(value) else None
        if len(_AMOUNTS) < 100_000:
            _AMOUNTS[value] = x
        return x


def money(x: float) -> str:
    return f"{x:.2f}"


_NAMES: dict[str, str] = {}


def name_key(text: str) -> str:
    """Upper-case, single-spaced form of a category or person name."""
    key = _NAMES.get(text)
    if key is None:
        key = " ".join(text.upper().split())
        if len(_NAMES) < 100_000:
            _NAMES[text] = key
    return key
