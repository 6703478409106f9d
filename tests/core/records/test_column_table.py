"""The column store of the structure pass: values as appended, repeated text stored once."""

from __future__ import annotations

from inspector.core.records.table import ColumnTable


def _rows(n: int) -> list[list]:
    # "state" repeats (one object per value expected), "ssn" is distinct (stored as it comes)
    return [[k, "".join(["V", "A"]), f"{k:09d}"] for k in range(n)]


def test_values_come_back_as_appended_over_several_batches():
    t = ColumnTable(["pos", "state", "ssn"], ["pos"])
    rows = _rows(5000)  # more than two batches of 2048
    for row in rows:
        t.append(row)
    t.freeze()
    assert list(t.array("pos")) == [r[0] for r in rows]
    assert list(t.array("state")) == [r[1] for r in rows]
    assert list(t.array("ssn")) == [r[2] for r in rows]


def test_a_repeated_text_column_holds_one_object_per_value():
    t = ColumnTable(["pos", "state", "ssn"], ["pos"])
    rows = _rows(5000)
    assert len({id(r[1]) for r in rows}) == 5000  # a new string object per row, as a split gives
    t.extend(rows)
    t.freeze()
    assert len({id(v) for v in t.array("state")}) == 1
    assert len({id(v) for v in t.array("ssn")}) == 5000


def test_an_unhashable_cell_falls_back_to_plain_storage():
    t = ColumnTable(["pos", "note"], ["pos"])
    t.extend([[k, "".join(["x", "y"])] for k in range(2048)])  # decided: shared
    t.extend([[k, "xy"] for k in range(10)] + [[k, ["not", "hashable"]] for k in range(2038)])
    t.freeze()
    note = t.array("note")
    assert len(note) == len(t.array("pos")) == 4096  # nothing stored twice
    assert list(note[:2058]) == ["xy"] * 2058
    assert note[2058] == ["not", "hashable"] and note[-1] == ["not", "hashable"]


def test_columns_of_one_object_or_distinct_values_are_not_shared():
    t = ColumnTable(["pos", "empty", "ssn", "state"], ["pos"])
    t.extend([[k, "", f"{k:09d}", "".join(["V", "A"])] for k in range(2048)])
    t._flush()
    assert [s is not None for s in t._share] == [False, False, False, True]
