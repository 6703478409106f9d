"""The finding detail pane: everything about the finding selected in the list, nothing cut off.

The full message (word-wrapped), the rule's explanation and fix (business rules explain
themselves: :class:`~inspector.core.validation.rules.base.Rule` ``title``/``source``/``fix``), the
member's name and ids, where the segment sits (its number in the file and in its transaction, the
position a 999's IK3 reports), and the segment with every element named from the implementation
guide. Values come from the models as they show them, so masking holds here too.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from inspector.core.findings import Finding
from inspector.gui.models.finding_index import describe
from inspector.gui.models.findings_model import SOURCE_LABEL, FindingsModel
from inspector.gui.models.guide_names import element_label, guide_of, segment_name
from inspector.gui.models.record_model import RecordModel
from inspector.gui.models.roles import _CELL_TINT, _MARK, INFO, RANK, SEVERITY_LABEL
from inspector.gui.models.segments_model import SegmentsModel, element_number

EMPTY_TEXT = "Select a finding to see the whole message, why it matters and how to fix it."
_IG_EXPLANATION = (
    "Checked against the X12 834 implementation guide ({guide}) by pyx12: the segment's "
    "order, required elements, lengths and code lists as the guide defines them."
)
_ENVELOPE_EXPLANATION = (
    "The envelope (ISA/GS/ST headers and SE/GE/IEA trailers) tells the receiver how much "
    "the file holds; counts and control numbers must match what is really there, or the "
    "whole file or transaction set may be rejected."
)
_MEMBER_IDS = (
    ("subscriber_id", "Subscriber ID"),
    ("member_id", "Member ID"),
    ("ssn", "SSN"),
    ("birth_date", "Birth date"),
)


@functools.cache
def _rules() -> dict[str, Any]:
    """Business rules by code (read generically: a rule may not have every field filled in)."""
    try:
        from inspector.core.validation.rules import RULES
    except ImportError:  # pragma: no cover - the rules package is part of the app
        return {}
    return {r.code: r for r in RULES}


def rule_for(code: str) -> Any | None:
    return _rules().get(code)


class DetailPane(QWidget):
    """Shows one finding in full; :meth:`show_finding` with None clears it."""

    fix_all_requested = Signal(object)  # Finding: "Fix All N Like This…" was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(3)
        self.title = QLabel("Finding")
        self.title.setProperty("role", "panelTitle")
        self.browser = QTextBrowser()
        self.browser.setObjectName("detailText")
        self.browser.setAccessibleName("Finding detail")
        self.browser.setOpenLinks(False)
        self.browser.setMinimumWidth(220)
        # "Fix All N Like This…" for a finding whose rule has a fix the file determines
        self.fix_button = QPushButton()
        self.fix_button.setObjectName("detailFixAll")
        self.fix_button.setToolTip(
            "Preview every finding of this rule with the value the file determines, then "
            "apply them all as one undo step"
        )
        self.fix_button.clicked.connect(self._on_fix_clicked)
        self.fix_button.hide()
        self.fix_text: Callable[[Finding], str | None] | None = None
        layout.addWidget(self.title)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.fix_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.findings: FindingsModel | None = None
        self.segments: SegmentsModel | None = None
        self.members: RecordModel | None = None
        self.finding: Finding | None = None
        self.clear()

    def set_models(
        self, findings: FindingsModel, segments: SegmentsModel, members: RecordModel
    ) -> None:
        self.findings, self.segments, self.members = findings, segments, members

    def clear(self) -> None:
        self.finding = None
        self.browser.setHtml(f"<p style='color:#666'>{html.escape(EMPTY_TEXT)}</p>")
        self.fix_button.hide()

    def text(self) -> str:
        """What the pane shows, as plain text (for tests and copying)."""
        return self.browser.toPlainText()

    def refresh(self) -> None:
        """Show the current finding again (masking switched, the document was edited)."""
        if self.finding is not None:
            self.show_finding(self.finding)

    def show_finding(self, finding: Finding | None) -> None:
        if finding is None or self.findings is None:
            self.clear()
            return
        self.finding = finding
        self.browser.setHtml(self._html(finding))
        text = self.fix_text(finding) if self.fix_text is not None else None
        self.fix_button.setText(text or "")
        self.fix_button.setVisible(bool(text))

    def _on_fix_clicked(self) -> None:
        if self.finding is not None:
            self.fix_all_requested.emit(self.finding)

    # -- content ----------------------------------------------------------------------------
    def _html(self, real: Finding) -> str:
        assert self.findings is not None
        f = self.findings.shown(real)  # masked while masking is on
        rank = RANK.get(f.severity, INFO)
        esc = html.escape
        rule = rule_for(f.code) if f.source == "business-rule" else None
        title = getattr(rule, "title", "") if rule is not None else ""
        parts = [
            f"<p style='margin:0 0 4px 0'><b style='color:{_MARK.get(rank, '#777')}'>"
            f"{esc(SEVERITY_LABEL.get(rank, f.severity.capitalize()))}</b> "
            f"<b>{esc(f.code)}</b> &middot; {esc(SOURCE_LABEL.get(f.source, f.source))}"
            + (f"<br><i>{esc(title)}</i>" if title else "")
            + "</p>",
            f"<p style='margin:0 0 6px 0'>{esc(f.message)}</p>",
        ]
        parts += self._explanation(f, rule)
        parts += self._where(f)
        parts += self._member(f)
        parts += self._segment(f, rank)
        return "".join(parts)

    def _explanation(self, f: Finding, rule: Any | None) -> list[str]:
        esc = html.escape
        rows: list[tuple[str, str]] = []
        if rule is not None:
            for label, attr in (("Why", "source"), ("How to fix", "fix")):
                value = getattr(rule, attr, "") or ""
                if value:
                    rows.append((label, value))
            elements = getattr(rule, "elements", ()) or ()
            if elements:
                rows.append(("Elements", ", ".join(elements)))
        elif f.source == "implementation-guide":
            guide = self._guide(f)
            rows.append(("Why", _IG_EXPLANATION.format(guide=guide)))
            said = (f.extra or {}).get("pyx12_message")
            if said and said.strip() != f.message.strip():
                if self.segments is not None and self.segments._mask is not None:
                    said = self.segments._mask.text(said, f.member_pos)
                rows.append(("The guide says", said))
        elif f.source == "envelope":
            rows.append(("Why", _ENVELOPE_EXPLANATION))
        if not rows:
            return []
        body = "".join(
            f"<tr><td style='color:#555;padding-right:8px' valign='top'>{esc(k)}</td>"
            f"<td>{esc(v)}</td></tr>"
            for k, v in rows
        )
        return [f"<table cellspacing='0' cellpadding='1' style='margin-bottom:6px'>{body}</table>"]

    def _guide(self, f: Finding) -> str:
        if self.segments is None or f.segment is None:
            return "005010X220A1"
        return guide_of(self.segments.structure.transactions, f.segment)

    def _where(self, f: Finding) -> list[str]:
        segments = self.segments
        o = f.segment
        if segments is None or o is None or not 1 <= o <= segments.rowCount():
            return ["<p style='margin:0 0 6px 0'><b>Where:</b> the whole file</p>"]
        st = self._transaction_start(o)
        where = f"segment {o:,} of the file"
        if st is not None and o >= st:
            where += f", {o - st + 1:,} of its transaction (the 999's IK3 position)"
        line = int(segments.store.lines[o - 1])
        loop = segments.structure.loop_path(o)
        bits = [where, f"line {line:,}"]
        if loop:
            bits.append(f"loop {loop}")
        if f.element:
            seg_id = f.segment_id or segments.store.segment_id(o)
            number = element_number(f.element, seg_id)
            name = element_label(seg_id, number, loop, self._guide(f)) if number else ""
            bits.append(f"element {f.element}" + (f" ({name})" if name else ""))
        detected = (f.extra or {}).get("detected_at_segment")
        text = "; ".join(bits)
        if detected and detected != o:
            text += f"; noticed at segment {int(detected):,}"
        return [f"<p style='margin:0 0 6px 0'><b>Where:</b> {html.escape(text)}</p>"]

    def _transaction_start(self, ordinal: int) -> int | None:
        """The ST ordinal of the transaction set holding ``ordinal`` (None outside any)."""
        assert self.segments is not None
        start = None
        for st in self.segments.structure.transactions:
            if st.st > ordinal:
                break
            if st.se is None or ordinal <= st.se:
                start = st.st
            else:
                start = None
        return start

    def _member(self, f: Finding) -> list[str]:
        members = self.members
        if f.member_pos is None or members is None:
            return [
                "<p style='margin:0 0 6px 0'><b>Member:</b> none (the envelope or the "
                "header of the file)</p>"
            ]
        table = members.table
        row = f.member_pos - 1
        if not 0 <= row < len(table):
            return []

        def shown(column: str) -> str:  # as the members table shows it (masked or not)
            if column not in table.columns:
                return ""
            values = table.display[table.column_index(column)]
            return "" if values is None else str(values[row])

        name = " ".join(
            p for p in (shown("first_name"), shown("middle_name"), shown("last_name")) if p
        )
        ids = [f"{label} {shown(col)}" for col, label in _MEMBER_IDS if shown(col)]
        kind = "subscriber" if shown("is_subscriber") == "Y" else "dependent"
        text = f"{name or 'no name'} (#{f.member_pos}, {kind})"
        if ids:
            text += " \u2014 " + ", ".join(ids)
        return [f"<p style='margin:0 0 6px 0'><b>Member:</b> {html.escape(text)}</p>"]

    def _segment(self, f: Finding, rank: int) -> list[str]:
        segments = self.segments
        o = f.segment
        if segments is None or o is None or not 1 <= o <= segments.rowCount():
            return []
        esc = html.escape
        text = segments.text(o)  # masked while masking is on
        parts = text.split(segments.store.delimiters.element)
        seg_id = parts[0]
        loop = segments.structure.loop_path(o)
        guide = self._guide(f)
        bad = element_number(f.element, f.segment_id or seg_id) if f.element else None
        count = max(len(parts) - 1, bad or 0)
        name = segment_name(seg_id, loop, guide)
        rows = []
        for k in range(1, count + 1):
            value = parts[k] if k < len(parts) else None
            label = element_label(seg_id, k, loop, guide)
            shown = (
                "<span style='color:#888'>(not sent)</span>"
                if value is None
                else ("<span style='color:#888'>(empty)</span>" if value == "" else esc(value))
            )
            style = (
                f" style='background:{_CELL_TINT.get(rank, '#ffd98a')};font-weight:bold'"
                if k == bad
                else ""
            )
            rows.append(
                f"<tr{style}><td>{seg_id}{k:02d}</td><td>{esc(label)}</td>"
                f"<td style='font-family:monospace'>{shown}</td></tr>"
            )
        heading = f"Segment {esc(seg_id)}" + (f" \u2014 {esc(name)}" if name else "")
        return [
            f"<p style='margin:6px 0 2px 0'><b>{heading}</b></p>",
            f"<p style='margin:0 0 4px 0;font-family:monospace'>{esc(text)}</p>",
            "<table cellspacing='0' cellpadding='2' border='0' width='100%'>"
            "<tr style='color:#555'><td>Element</td><td>Name</td><td>Value</td></tr>"
            + "".join(rows)
            + "</table>",
        ]


def one_line(finding: Finding) -> str:
    """The finding as one line (used for accessible descriptions)."""
    return describe(finding)
