"""The discrepancy report: per member, what is wrong and what was corrected, for the exchange.

What a clerk sends back to the exchange (or the sponsor) after working a file: the file and its
envelope, the counts, the problems by rule, the problems that belong to no member, then one
section per member with a problem or a correction: who the member is (name, ids, maintenance),
every problem (severity, code, segment, element, value, message) and every correction made in
the editing session (field, element, segment, value in the file, value now, when).

The report is HTML of the subset Qt's rich-text engine lays out (tables, ``bgcolor``, no CSS
layout), built here without Qt; :mod:`inspector.gui.report_pdf` turns it into a PDF with Qt's
own PDF writer. Under a :class:`MaskPolicy` every value that is personal data is masked, in the
member lines, the messages and the corrections alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np

from inspector.core.editing.session import EditSession
from inspector.core.export.tables import findings_by_rule, summary_counts
from inspector.core.findings import SEVERITY_RANK, Finding
from inspector.core.records.document import Document
from inspector.core.records.frames import MEMBER_FIELDS, coverage_field
from inspector.core.records.mask import Masker, MaskPolicy, describe_policy, element_kind

MIDDLE_DOT = " \u00b7 "
SEVERITY_COLOURS = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#E8EEF7"}
#: The member columns of a section's first line, with their titles.
MEMBER_LINE = (
    ("subscriber_id", "Subscriber ID"),
    ("member_id", "Member ID"),
    ("ssn", "SSN"),
    ("birth_date", "Birth date"),
    ("relationship", "Relationship"),
    ("maintenance_type", "Maintenance"),
)


@dataclass(frozen=True)
class Correction:
    """One corrected element of a member: net difference between the file and now."""

    member_pos: int
    segment: int
    element: str
    field: str  # the column title(s) showing it, or "" when no table shows it
    old: str
    new: str
    when: str


@dataclass
class Report:
    """The report's HTML and what it lists."""

    html: str
    members: int  # member sections
    problems: int  # findings listed
    corrections: int  # corrected elements listed
    title: str


def corrections_of(session: EditSession, masker: Masker | None = None) -> list[Correction]:
    """The session's corrections (net: an edit undone by hand is none), each with its member,
    the column it shows in and when it was last made (from the session's history)."""
    when: dict[tuple[int, str], str] = {}
    for change in session.history:
        when[(change.segment, change.edit.element)] = change.when
    members = session.doc.members
    positions = members["member_pos"].to_numpy()
    out: list[Correction] = []
    for c in session.net_changes():
        row = session.member_row(c.segment)
        if row is None:
            continue
        fields = session.fields_at(c.segment, c.element)
        titles = []
        for table, column in fields:
            spec = MEMBER_FIELDS.get(column) if table == "members" else coverage_field(column)
            titles.append(spec.label if spec is not None else column)
        old, new = c.old, c.new
        if masker is not None:
            kind = element_kind(c.element)
            old, new = masker.value(kind, old), masker.value(kind, new)
        out.append(
            Correction(
                int(positions[row]),
                c.segment,
                c.element,
                ", ".join(dict.fromkeys(titles)),
                old,
                new,
                when.get((c.segment, c.element))
                or when.get((c.segment, c.element.split("-")[0]), ""),
            )
        )
    return out


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], colours=None) -> str:
    head = "".join(f'<th align="left" bgcolor="#D9E1F2">{escape(h)}</th>' for h in headers)
    body = []
    for k, row in enumerate(rows):
        colour = colours[k] if colours is not None else None
        attr = f' bgcolor="{colour}"' if colour else ""
        cells = "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row)
        body.append(f"<tr{attr}>{cells}</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="3" width="100%">'
        f"<tr>{head}</tr>{''.join(body)}</table>"
    )


def _problems_table(findings: Sequence[Finding]) -> str:
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 9), f.segment or 0))
    return _table(
        ("Severity", "Code", "Segment", "Element", "Value", "Message"),
        (
            (f.severity, f.code, f.segment or "", f.element or "", f.value or "", f.message)
            for f in ordered
        ),
        [SEVERITY_COLOURS.get(f.severity) for f in ordered],
    )


def _corrections_table(corrections: Sequence[Correction]) -> str:
    return _table(
        ("Field", "Element", "Segment", "In the file", "Corrected to", "When"),
        ((c.field, c.element, c.segment, c.old, c.new, c.when) for c in corrections),
    )


def _header(doc: Document, mask: MaskPolicy | None, notes: Sequence[str]) -> list[str]:
    summary = doc.summary()
    lines = [f"File: {Path(str(doc.path)).name} ({summary['segments']:,} segments)"]
    for i in summary["interchanges"]:
        lines.append(
            f"Interchange {i['control']}: {i['sender']} \u2192 {i['receiver']}, "
            f"date {i['date']}, usage {i['usage']}"
        )
    for t in summary["transactions"]:
        lines.append(
            f"Transaction set {t['control']}: guide {t['guide']}, sponsor {t['sponsor'] or '-'}, "
            f"payer {t['payer'] or '-'}, {t['members']:,} members"
        )
    lines.append(f"Written: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    if mask is not None:
        lines.append(f"Personal data: {describe_policy(mask)}")
    lines += list(notes)
    return lines


def discrepancy_report(
    doc: Document,
    findings: Iterable[Finding],
    session: EditSession | None = None,
    *,
    mask: MaskPolicy | None = None,
    notes: Sequence[str] = (),
    severities: Iterable[str] = ("error", "warning"),
) -> Report:
    """Build the report of ``doc`` (the current document of ``session`` when given) with the
    problems in ``findings`` of the given ``severities`` and the session's corrections."""
    if session is not None:
        doc = session.doc
    wanted = set(severities)
    masker = Masker(mask, doc.members) if mask is not None else None
    found = [f for f in findings if f.severity in wanted]
    shown = [masker.finding(f) for f in found] if masker is not None else found
    corrections = corrections_of(session, masker) if session is not None else []
    by_member: dict[int, list[Finding]] = {}
    file_level: list[Finding] = []
    for f in shown:
        if f.member_pos is None:
            file_level.append(f)
        else:
            by_member.setdefault(f.member_pos, []).append(f)
    fixed: dict[int, list[Correction]] = {}
    for c in corrections:
        fixed.setdefault(c.member_pos, []).append(c)

    title = f"Discrepancy report \u2014 {Path(str(doc.path)).name}"
    parts = [f"<h1>{escape(title)}</h1>"]
    parts += [f"<p>{escape(line)}</p>" for line in _header(doc, mask, notes)]
    counts = summary_counts(doc, found)
    counts_rows = [(k, f"{v:,}") for k, v in counts.items()]
    counts_rows.append(("Members corrected", f"{len(fixed):,}"))
    counts_rows.append(("Corrected elements", f"{len(corrections):,}"))
    parts.append("<h2>Summary</h2>")
    parts.append(_table(("", "Count"), counts_rows))
    rules = findings_by_rule(found)
    if len(rules):
        parts.append("<h2>Problems by rule</h2>")
        parts.append(
            _table(
                ("Code", "Rule", "Severity", "Findings", "Members"),
                rules.itertuples(index=False, name=None),
                [SEVERITY_COLOURS.get(s) for s in rules["Severity"]],
            )
        )
    if file_level:
        parts.append("<h2>Problems of the file (no member)</h2>")
        parts.append(_problems_table(file_level))

    listed = sorted(set(by_member) | set(fixed))
    parts.append(f"<h2>Members ({len(listed):,})</h2>")
    if not listed:
        parts.append("<p>No member has a problem or a correction.</p>")
    members = doc.members
    positions = members["member_pos"].to_numpy()
    rows = np.searchsorted(positions, listed) if listed else np.zeros(0, dtype=np.int64)
    picked = members.iloc[[int(r) for r in rows if r < len(positions)]]
    if masker is not None:
        picked = masker.frame(picked, MEMBER_FIELDS.get)
    info = {int(p): r for p, r in zip(picked["member_pos"], picked.to_dict("records"))}
    for pos in listed:
        member = info.get(pos, {})
        name = ", ".join(v for v in (member.get("last_name"), member.get("first_name")) if v)
        parts.append(f"<h3>Member #{pos}: {escape(name or '(no name)')}</h3>")
        facts = [f"{t} {member[c]}" for c, t in MEMBER_LINE if member.get(c)]
        parts.append(f"<p>{escape(MIDDLE_DOT.join(facts))}</p>")
        problems = by_member.get(pos, [])
        if problems:
            parts.append(_problems_table(problems))
        else:
            parts.append("<p>No problem left.</p>")
        made = fixed.get(pos, [])
        if made:
            parts.append("<p><b>Corrections made</b></p>")
            parts.append(_corrections_table(made))
        else:
            parts.append("<p>No correction made.</p>")
    html = (
        '<html><head><meta charset="utf-8"><title>'
        f"{escape(title)}</title></head><body>{''.join(parts)}</body></html>"
    )
    return Report(html, len(listed), len(found), len(corrections), title)
