"""The check processes' side (inspector.core.validation.check_process), run here in-process."""

from __future__ import annotations

import queue

import pytest

from inspector.core.records.document import load
from inspector.core.validation.check_process import (
    ACK,
    PYX12,
    RULES,
    SharedBytes,
    read_shared,
    run_check,
)
from inspector.core.validation.run import GUIDE, BatchMerger, validate_document
from inspector.core.validation.run import RULES as RULE_SOURCE


def _messages(kind: str, data: bytes, profiles: tuple[str, ...] = ()) -> list[tuple]:
    shared = SharedBytes(data)
    results: queue.Queue = queue.Queue()
    try:
        run_check(kind, profiles, shared.job("file.834"), results)
    finally:
        shared.release()
    out = []
    while not results.empty():
        out.append(results.get())
    return out


def test_shared_bytes_are_copied_out_and_freed_by_the_last_user():
    shared = SharedBytes(b"ISA*00~")
    shared.acquire()
    assert read_shared(shared.name, shared.size) == b"ISA*00~"
    shared.release()
    assert read_shared(shared.name, shared.size) == b"ISA*00~"  # one user left
    shared.release()
    with pytest.raises(FileNotFoundError):
        read_shared(shared.name, shared.size)
    assert SharedBytes(b"").size == 0  # an empty file still gets a block


@pytest.mark.parametrize("kind", [RULES, PYX12])
def test_a_check_sends_what_the_merger_turns_into_the_stream(sample, kind):
    path = sample("healthsim__pcp-change-834.edi")
    doc = load(path)
    messages = _messages(kind, path.read_bytes())
    assert messages[0] == ("read",)
    assert messages[-1] == ("done", True)
    raw = [f for m in messages if m[0] == "findings" for f in m[1]]
    assert all(len(m[1]) <= 250 for m in messages if m[0] == "findings")
    source = RULE_SOURCE if kind == RULES else GUIDE
    merger = BatchMerger(doc, [source])
    merger.add("envelope", doc.problems)
    got = merger.finish("envelope") + merger.add(source, raw) + merger.finish(source)
    want = validate_document(doc, use_rules=kind == RULES, use_pyx12=kind == PYX12)
    assert sorted((f.segment, f.code) for f in want if f.source == source) == sorted(
        (f.segment, f.code) for b in got for f in b.findings
    )
    acks = [m for m in messages if m[0] == "ack"]
    assert len(acks) == (1 if kind == PYX12 else 0)
    if kind == PYX12:
        assert acks[0][1].startswith("ISA") and any(m[0] == "progress" for m in messages)


def test_the_ack_check_sends_the_999_and_no_findings(sample):
    messages = _messages(ACK, sample("healthsim__pcp-change-834.edi").read_bytes())
    assert not any(m[0] == "findings" and m[1] for m in messages)
    assert [m[0] for m in messages if m[0] in ("ack", "done")] == ["ack", "done"]


def test_a_failing_check_reports_instead_of_raising(sample, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("inspector.core.validation.check_process.rule_batches", broken)
    messages = _messages(RULES, sample("healthsim__pcp-change-834.edi").read_bytes())
    assert messages[0] == ("read",)
    assert messages[-1] == (
        "error",
        "The business-rule check stopped early (RuntimeError: boom); findings so far are shown.",
    )


def test_a_missing_block_is_reported():
    results: queue.Queue = queue.Queue()
    run_check(PYX12, (), ("inspector-no-such-block", 10, "file.834"), results)
    kind, message = results.get()
    assert kind == "error" and "could not get the file's bytes" in message


def _child_messages(kind: str, data: bytes, timeout: float = 240.0) -> list[tuple]:
    """``run_check`` in a daemonic spawned child, as the app starts it."""
    import multiprocessing
    import time

    ctx = multiprocessing.get_context("spawn")
    shared = SharedBytes(data)
    results = ctx.Queue()
    child = ctx.Process(
        target=run_check, args=(kind, (), shared.job("big.834"), results), daemon=True
    )
    child.start()
    out: list[tuple] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                message = results.get(timeout=1.0)
            except queue.Empty:
                continue
            out.append(message)
            if message[0] in ("done", "error"):
                break
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()
        shared.release()
    return out


def test_the_app_s_pyx12_child_checks_a_large_file_on_its_worker_pool():
    """The child is a daemon (it must not outlive the app) and still runs pyx12's workers;
    its findings and 999 are those of one whole run here."""
    from inspector.core.reading.source import read_bytes
    from inspector.core.validation.pyx12 import chunked
    from inspector.core.validation.pyx12.adapter import validate_with_pyx12
    from tests.support.synthetic import generate_834

    data = generate_834(
        800, seed=3, defects=("bad_birth_date", "bad_element_code", "missing_348", "wrong_se_count")
    ).encode()
    store = read_bytes(data)
    assert chunked.plan(store, 2) is not None  # large enough to be split
    whole = validate_with_pyx12(store, workers=1)
    messages = _child_messages(PYX12, data)
    assert messages[-1] == ("done", True), messages[-1]
    raw = [f for m in messages if m[0] == "findings" for f in m[1]]
    assert [(f.segment, f.code, f.message) for f in raw] == [
        (f.segment, f.code, f.message) for f in whole.findings
    ]
    assert len(raw) >= 2
    ack = next(m[1] for m in messages if m[0] == "ack")
    assert ack.count("IK3") == whole.ack.count("IK3") >= 1
    progress = [m for m in messages if m[0] == "progress"]
    assert progress and progress[-1][1] == progress[-1][2]
