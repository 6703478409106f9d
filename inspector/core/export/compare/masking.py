"""A comparison with its personal data masked, for the compare window while View ▸ Mask Personal
Data is on and for ``inspector compare --mask-phi``.

The masking is the documents' own (:class:`~inspector.core.records.mask.Masker` under a
:class:`~inspector.core.records.mask.MaskPolicy`): SSNs keep their last four digits, dates of
birth and death their year, and with ``names`` also names, addresses, phones and e-mail. A
field's kind comes from the one field map (``MEMBER_FIELDS``); a value equal to one of either
file's SSNs is masked wherever it appears (an id that is an SSN). The result's positions
(``old_where``/``new_where``, rows) are untouched, so jumps to segments still work.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from inspector.core.export.compare.engine import CompareResult
from inspector.core.records.frames import FieldSpec
from inspector.core.records.grammar import MEMBER_FIELDS
from inspector.core.records.mask import Masker, MaskPolicy

__all__ = ["mask_result"]

#: Result columns that hold positions, categories or field names: never personal data.
_PLAIN = frozenset(
    {"row", "category", "category_label", "match", "old_row", "new_row", "old_where",
     "new_where", "level", "group", "field", "status", "changed"}
)  # fmt: skip


def _masker(result: CompareResult, policy: MaskPolicy) -> Masker:
    ssns = [
        np.asarray(side.shown["ssn"], dtype=object)
        for side in (result.old, result.new)
        if "ssn" in side.shown
    ]
    people = pd.DataFrame({"ssn": np.concatenate(ssns) if ssns else np.zeros(0, dtype=object)})
    return Masker(policy, people)


def _field(name: str) -> FieldSpec | None:
    return MEMBER_FIELDS.get(name)


def _frame(masker: Masker, df: pd.DataFrame) -> pd.DataFrame:
    plain = [c for c in df.columns if c in _PLAIN]
    rest = df.drop(columns=plain)
    if rest.empty and not len(rest.columns):
        return df
    masked = masker.columns(rest, _field)
    if not masked:
        return df
    out = df.copy()
    for name, values in masked.items():
        out[name] = values
    return out


def _changes(masker: Masker, changes: pd.DataFrame) -> pd.DataFrame:
    """``old``/``new`` of each change masked by the kind of its field."""
    if not len(changes):
        return changes
    out = changes.copy()
    fields = changes["field"].to_numpy(dtype=object)
    for side in ("old", "new"):
        values = changes[side].astype(object).where(changes[side].notna(), "").to_numpy()
        shown = values.copy()
        for k, (name, value) in enumerate(zip(fields, values)):
            spec = MEMBER_FIELDS.get(name) if changes["level"].iat[k] == "member" else None
            if isinstance(value, str) and value:
                shown[k] = masker.value(spec.phi if spec is not None else None, value)
        out[side] = shown
    return out


def mask_result(result: CompareResult, policy: MaskPolicy | None) -> CompareResult:
    """``result`` with its personal data masked under ``policy`` (itself when None)."""
    if policy is None:
        return result
    masker = _masker(result, policy)
    return replace(
        result,
        members=_frame(masker, result.members),
        changes=_changes(masker, result.changes),
        coverage=_frame(masker, result.coverage),
    )
