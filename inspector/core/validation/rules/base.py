"""Business-rule machinery: the rule registry, profiles and small helpers shared by rules.

A rule is a short function decorated with :func:`rule`. It receives a
:class:`~inspector.core.validation.rules.views.MemberView` (scope ``"member"``) or a
:class:`~inspector.core.validation.rules.views.TransactionView` (scope ``"transaction"``) and
yields :class:`Problem` tuples, or returns a list of them or None (a member rule that usually finds
nothing is cheaper as a plain function: a generator costs its creation on every member); the runner in :mod:`inspector.core.validation.rules` turns them
into :class:`~inspector.core.findings.Finding` objects carrying the rule's code and severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from inspector.core.records.codes import AMOUNT_PATTERN
from inspector.core.records.dates import date_problem

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document
    from inspector.core.validation.rules.context import FileView, TransactionView
    from inspector.core.validation.rules.views import MemberView

#: Rule tags: a rule registered with ``profile=TAG`` runs only when a profile switches the tag
#: on (rules without a tag are the base 005010X220A1 rules every profile starts from).
PROFILES: dict[str, str] = {
    "ffe": "CMS Federally-facilitated Exchange (HealthCare.gov) companion-guide checks on the "
    "2750 reporting categories: rating-area format, DTP*007 dates on financial "
    "categories, PRE AMT TOT = sum of PRE AMT 1, subscriber-only categories.",
    "exchange": "Checks every individual-market exchange (FFE or state-based) expects: "
    "first-of-month coverage starts, plan-year bounds, one plan per enrollment group, "
    "exchange maintenance and special-enrollment reason codes.",
    "employer": "Employer-group conventions: employment class and status, hire dates, "
    "group (REF*1L) numbers.",
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


#: How a file rule chooses members: (member view, rule context) -> (identity keys of the
#: member, whether the rule needs the member even when it shares no key).
Selector = Callable[["MemberView", Any], "tuple[list[tuple], bool]"]


@dataclass
class Rule:
    """One registered business rule (one code; member, transaction and/or file functions).

    Besides what the runner needs, a rule explains itself: ``source`` names what justifies it
    (a TR3 section or note, a CMS FFE companion-guide section, or "common practice: ..."),
    ``fix`` says in plain English what a correction looks like, ``elements`` lists the
    element(s) it points at (e.g. ``("DMG02",)``), ``params`` its parameters with their
    defaults (a profile may change them; rules read them from ``ctx.params``), and
    ``fixer`` (registered with :func:`fixer`) computes the correction of one finding when the
    file itself determines it ("Fix all like this"); ``autofix`` says whether there is one.
    """

    code: str
    severity: str
    profile: str | None
    title: str
    member: Callable[[MemberView], Iterable[Problem] | None] | None = None
    transaction: Callable[[TransactionView], Iterable[Problem] | None] | None = None
    file: Callable[[FileView], Iterable[Problem] | None] | None = None
    extra_severities: tuple[str, ...] = field(default=())
    applies_to: str = "members"  # member functions: "members", "subscribers" or "dependents"
    uses: tuple[str, ...] = ()  # member fields transaction/file functions need kept (see release)
    source: str = ""
    fix: str = ""
    elements: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)
    fixer: Fixer | None = None
    #: transaction function that reads only the transaction's header and scratch space (run
    #: once per transaction, when its members are no longer held; see :func:`rule`)
    header: bool = False
    #: file function's choice of members (see :func:`rule`)
    select: Selector | None = None

    @property
    def autofix(self) -> bool:
        """True when the rule has a fixer: the file determines the correction of a finding."""
        return self.fixer is not None


#: Members of one identity key that file rules compare (a file where thousands of members
#: share a placeholder SSN must not become quadratic, nor keep them all; the first few
#: already show the problem).
GROUP_LIMIT = 12

RULES: list[Rule] = []
_BY_CODE: dict[str, Rule] = {}


#: Every rule parameter with its default value (one name = one meaning across rules).
PARAM_DEFAULTS: dict[str, Any] = {}

_SCOPES = ("member", "transaction", "file")


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
    source: str = "",
    fix: str = "",
    elements: tuple[str, ...] = (),
    params: dict[str, Any] | None = None,
    header: bool = False,
    select: Selector | None = None,
) -> Callable:
    """Register a rule function. ``scope`` is ``"member"``, ``"transaction"`` or ``"file"``.

    A transaction function is called once per batch of *complete families* (so that a large
    transaction's members need not all be kept): the view holds subscribers whose REF*0F no
    later member of the transaction carries, with every dependent of that id and the
    dependents the family rules placed in their families; every subscriber and dependent of
    the transaction is in exactly one batch. With ``header=True`` it is called once per
    transaction instead, after the last batch, and must read only the transaction's header
    and scratch space (no members). A file function needs ``select``: a function (member,
    rule context) -> (identity keys, alone) run on every member after release; the function
    then sees the members that share a key with another member (the first few per key, in
    file order) and those for which ``alone`` is true, read again and released.

    The same code may be registered once per scope with identical metadata (the explanation
    fields may be given on any one of the registrations); ``also`` lists other severities the
    rule may give single findings (e.g. a warning that becomes an error for additions).
    ``applies_to`` ("subscribers"/"dependents", by INS01) lets the runner skip a member
    function for members it cannot concern. Transaction and file functions see members after
    :meth:`MemberView.release`; ``uses=("categories",)`` keeps their categories. A file
    function receives a :class:`~.context.FileView` once every transaction has been read (for
    checks across all ST sets). ``params`` declares parameters with defaults; the same name in
    two rules must have the same default.
    """
    if scope not in _SCOPES:
        raise ValueError(f"unknown rule scope {scope!r}")
    if applies_to not in ("members", "subscribers", "dependents"):
        raise ValueError(f"unknown applies_to {applies_to!r}")
    if profile is not None and profile not in PROFILES:
        raise ValueError(f"unknown rule profile {profile!r}")
    for name, default in (params or {}).items():
        if PARAM_DEFAULTS.setdefault(name, default) != default:
            raise ValueError(f"rule {code}: parameter {name!r} already has another default")

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
            r.uses = tuple(sorted(set(r.uses) | set(uses)))
        if scope == "transaction":
            r.header = header
        if scope == "file":
            if select is None:
                raise ValueError(f"rule {code}: a file function needs select=")
            r.select = select
        r.source = source or r.source
        r.fix = fix or r.fix
        r.elements = tuple(elements) or r.elements
        if params:
            r.params = {**r.params, **params}
        return fn

    return register


class FixEdit(NamedTuple):
    """One element a fixer sets: segment ordinal, element id (``REF02``), the new value, and
    the value it replaces (the edit is refused when the file no longer holds it)."""

    segment: int
    element: str
    value: str
    old: str | None = None


#: A fixer: (finding, document) -> the edits that correct the finding, or, when the file does
#: not determine them, a sentence saying why not (nothing is then changed for that finding).
Fixer = Callable[["Finding", "Document"], "tuple[FixEdit, ...] | str"]


def fixer(code: str) -> Callable[[Fixer], Fixer]:
    """Register the fixer of the (already registered) rule ``code``; the rule then says
    ``autofix`` (`inspector rules`, the app's "Fix all like this")."""

    def register(fn: Fixer) -> Fixer:
        r = _BY_CODE.get(code)
        if r is None:
            raise ValueError(f"fixer for unknown rule {code!r} (register the rule first)")
        if r.fixer is not None:
            raise ValueError(f"rule {code} already has a fixer")
        r.fixer = fn
        return fn

    return register


def rule_by_code(code: str) -> Rule | None:
    return _BY_CODE.get(code)


def element_now(doc: Document, segment: int | None, element: str) -> str | None:
    """The value an element (``REF02``; no components) of a segment holds now, as a person
    reads it; None when the segment is not there or is not of that id (a fixer then refuses)."""
    store = doc.store
    if segment is None or not 1 <= segment <= len(store):
        return None
    sid, pos = element[:-2], int(element[-2:])
    if store.segment_id(segment) != sid:
        return None
    els = store.raw(segment).split(store.delimiters.element)
    return store.decode(els[pos]) if pos < len(els) else ""


def fix_of(f: Finding, doc: Document, element: str, value: str) -> tuple[FixEdit, ...] | str:
    """The one-element fix of a finding: set ``element`` of its segment to ``value``, provided
    the segment still holds the value the finding reports (else the reason, nothing fixed)."""
    now = element_now(doc, f.segment, element)
    if now is None:
        return f"segment {f.segment} is no longer a {element[:-2]} segment"
    if f.value is not None and now != f.value:
        return f"{element} now holds '{now}', not '{f.value}' as found; check the file again"
    return (FixEdit(int(f.segment or 0), element, value, now),)


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
