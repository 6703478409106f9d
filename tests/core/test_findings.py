"""The JSON shape of a finding (``inspector validate --format json``)."""

from __future__ import annotations

import dataclasses
import json

from inspector.core.findings import Finding


def _finding(**kw) -> Finding:
    base = dict(
        severity="error",
        code="RULE-X",
        message="m",
        segment=7,
        segment_id="NM1",
        element="NM109",
        value="123",
        loop="2000/2100A",
        subscriber_id="S1",
        member_pos=3,
        source="business-rule",
        extra={"expected": "1"},
    )
    base.update(kw)
    return Finding(**base)


def test_to_dict_has_every_field_but_the_member_ones_and_extra():
    data = _finding().to_dict()
    fields = [f.name for f in dataclasses.fields(Finding)]
    expected = [f for f in fields if f not in ("extra", "subscriber_id", "member_pos")]
    assert list(data) == [*expected, "member"]  # a new field shows up here
    assert data["member"] == {"subscriber_id": "S1", "position": 3}
    assert data["segment"] == 7 and data["value"] == "123" and data["source"] == "business-rule"
    json.dumps(data)


def test_to_dict_outside_a_member_and_extra_not_shared():
    f = _finding(member_pos=None, subscriber_id=None)
    data = f.to_dict()
    assert data["member"] is None
    assert "extra" not in data
