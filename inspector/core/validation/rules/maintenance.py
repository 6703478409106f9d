"""Maintenance consistency: what the member loop does (INS03, INS04) against what its coverages
do (HD01).

INS03 says what happens to the member, HD01 what happens to one coverage, INS04 why. Most
combinations are legitimate (a change INS03=001 may add, end, delete or correct single
coverages with HD01 021/024/002/026); only those that contradict each other are reported.
BGN08 against INS03/HD01 is RULE-BGN-ACTION-MISMATCH (family rules); this module adds the
member-level audit mix that rule leaves out.
"""

from __future__ import annotations

import json
from importlib.resources import files

from inspector.core.validation.rules.base import Problem, rule
from inspector.core.validation.rules.views import MemberView


def _reasons() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(
        files("inspector.core.validation.rules")
        .joinpath("data/maintenance_reasons.json")
        .read_text()
    )
    return data["termination"], data["addition"]


#: INS04 reasons that name a termination / an enrolment (see data/maintenance_reasons.json).
TERMINATION_REASONS, ADDITION_REASONS = _reasons()

_HD_NAMES = {
    "001": "change",
    "002": "delete",
    "021": "addition",
    "024": "termination",
    "025": "reinstatement",
    "026": "correction",
    "030": "audit",
    "032": "employee information not applicable",
}


def _hd(code: str) -> str:
    name = _HD_NAMES.get(code)
    return f"{code} ({name})" if name else code


@rule(
    "RULE-ADD-WITH-COVERAGE-END",
    severity="warning",
    title="A member being added (INS03 021) changes, ends or deletes a coverage (HD01 001/024/002)",
    source="TR3 005010X220A1, 2000 INS03 and 2300 HD01 code meanings: an addition enrolls a "
    "member who has no coverage yet to change, end or delete",
    fix="Send HD01=021 for each coverage of a new member; to end a coverage of an enrolled "
    "member use INS03=001 (change) with HD01=024, or INS03=024.",
    elements=("HD01", "INS03"),
)
def add_with_coverage_end(m: MemberView):
    if m.maintenance != "021":
        return
    for c in m.coverages:
        if c.maintenance in ("001", "024", "002"):
            yield Problem(
                c.hd,
                "HD01",
                c.maintenance,
                f"The member is added (INS03=021) but this coverage ({c.line or 'no line'}) has "
                f"HD01={_hd(c.maintenance)}: a member who is only now enrolled has no coverage "
                "to change, end or delete. Send HD01=021 for the new member's coverages, or INS03=001 "
                "(change) if the member is already enrolled.",
            )


@rule(
    "RULE-TERM-WITH-COVERAGE-ADD",
    severity="error",
    title="A member being terminated (INS03 024) adds or reinstates a coverage (HD01 021/025)",
    source="TR3 005010X220A1, 2000 INS03 and 2300 HD01 code meanings: INS03=024 ends the "
    "member's enrollment, so none of its coverages can start at the same time",
    fix="Send HD01=024 on the coverages of a terminated member; to add or reinstate a coverage "
    "of a member who stays enrolled use INS03=001 (change).",
    elements=("HD01", "INS03"),
)
def term_with_coverage_add(m: MemberView):
    if m.maintenance != "024":
        return None
    return list(_term_with_coverage_add(m))


def _term_with_coverage_add(m: MemberView):
    for c in m.coverages:
        if c.maintenance in ("021", "025"):
            yield Problem(
                c.hd,
                "HD01",
                c.maintenance,
                f"The member is terminated (INS03=024) but this coverage ({c.line or 'no line'}) "
                f"has HD01={_hd(c.maintenance)}. A terminated member cannot gain coverage in the "
                "same loop: send HD01=024 here, or INS03=001 (change) if the member stays "
                "enrolled.",
            )


@rule(
    "RULE-AUDIT-MIXED",
    severity="warning",
    title="Audit (030) and change codes mixed in one member (INS03 versus HD01)",
    source="TR3 005010X220A1, 2000 INS03 and 2300 HD01: 030 (audit or compare) marks a "
    "full-file record and is sent in INS03 and HD01 together",
    fix="In a full file send INS03=030 and HD01=030 on every coverage; in a change file use "
    "the change codes (001/021/024/025) in both.",
    elements=("INS03", "HD01"),
)
def audit_mixed(m: MemberView):
    if m.tx.action in ("2", "4"):
        return  # RULE-BGN-ACTION-MISMATCH reports these against BGN08 already
    audit = m.maintenance == "030"
    for c in m.coverages:
        if c.maintenance and (c.maintenance == "030") != audit:
            yield Problem(
                c.hd,
                "HD01",
                c.maintenance,
                f"INS03 is {m.maintenance or 'empty'} but this coverage has HD01="
                f"{_hd(c.maintenance)}: an audit record (030) is sent with 030 in both INS03 "
                "and HD01, a change with change codes in both. Use the same kind of code in "
                "INS03 and HD01.",
            )
            return


@rule(
    "RULE-REASON-TERM-ON-ADD",
    severity="warning",
    title="A termination reason (INS04 07/14/16/17/59) on an addition (INS03 021)",
    source="X12 element 1203 (INS04) code meanings against 2000 INS03=021 (TR3 005010X220A1)",
    fix="Send the reason for the enrollment (e.g. 28 initial enrollment, EC member benefit "
    "selection) on an addition, or INS03=024 if the member is being terminated.",
    elements=("INS04", "INS03"),
)
def reason_term_on_add(m: MemberView):
    if m.maintenance != "021" or m.ins_el(5) == "C":
        return None  # COBRA continuation enrollments cite the event that ended the job coverage
    reason = m.ins_el(4)
    name = TERMINATION_REASONS.get(reason)
    if name:
        return [
            Problem(
                m.ins_o,
                "INS04",
                reason,
                f"The member is added (INS03=021) with maintenance reason {reason} "
                f"({name.lower()}), which is a reason for ending coverage. Send the reason for the "
                "enrollment (e.g. 28 initial enrollment) or, if the member is leaving, INS03=024.",
            )
        ]


@rule(
    "RULE-REASON-ADD-ON-TERM",
    severity="warning",
    title="An enrollment reason (INS04 02/05/27/28/41) on a termination (INS03 024)",
    source="X12 element 1203 (INS04) code meanings against 2000 INS03=024 (TR3 005010X220A1)",
    fix="Send the reason for the termination (e.g. 07 termination of benefits, 14 voluntary "
    "withdrawal, 59 non-payment) on INS03=024, or INS03=021 if the member is being added.",
    elements=("INS04", "INS03"),
)
def reason_add_on_term(m: MemberView):
    if m.maintenance != "024":
        return None
    reason = m.ins_el(4)
    name = ADDITION_REASONS.get(reason)
    if name:
        return [
            Problem(
                m.ins_o,
                "INS04",
                reason,
                f"The member is terminated (INS03=024) with maintenance reason {reason} "
                f"({name.lower()}), which is a reason for enrolling. Send the reason for the "
                "termination (e.g. 07 termination of benefits) or, if the member is joining, "
                "INS03=021.",
            )
        ]
