"""A worker that ends before the GUI thread gets back to its event loop is still reported.

A bad file fails at once; if ``thread.finished`` were connected after ``thread.start()``, the
signal could be emitted before the connection existed and the view would wait for ever (a CI run
timed out this way in the compare view). Each caller is run here with ``start_in_thread``
replaced by one that returns only after the thread has ended: the slowest GUI thread possible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import inspector.gui.compare.view as compare_view
import inspector.gui.export_actions as export_actions
import inspector.gui.session as session
from inspector.core.editing.edits import EditRejected
from inspector.core.errors import Cancelled
from inspector.gui.compare import CompareView
from inspector.gui.editing.bulk_commands import BulkWorker
from inspector.gui.workers import JobWorker, start_in_thread, wait_for_thread
from tests.gui.conftest import LOAD_TIMEOUT_MS, open_and_wait


def _ended_before_return(*args, **kwargs):
    thread = start_in_thread(*args, **kwargs)
    assert wait_for_thread(thread, 30)
    return thread


def test_on_finished_runs_for_a_thread_that_has_already_ended(qtbot):
    ended: list[bool] = []
    worker = JobWorker(lambda: "done", "the job")
    thread = _ended_before_return(worker, "quick", lambda: ended.append(True))
    assert thread.isFinished() and not ended  # queued: not run before the event loop
    qtbot.waitUntil(lambda: ended == [True], timeout=5000)


def test_compare_of_a_bad_file_that_fails_at_once_finishes(qtbot, tmp_path, demo_copy, monkeypatch):
    monkeypatch.setattr(compare_view, "start_in_thread", _ended_before_return)
    new = demo_copy
    bad = tmp_path / "old.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    view = CompareView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.comparison_finished, timeout=10_000):
        view.start(bad, new)
    assert not view.running and "no column to match" in view.message


def test_a_load_that_fails_at_once_leaves_the_session_idle(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(session, "start_in_thread", _ended_before_return)
    with qtbot.waitSignal(window.load_failed, timeout=LOAD_TIMEOUT_MS):
        window.open_paths([tmp_path / "nowhere.834"])
    tab = window.current_tab()
    qtbot.waitUntil(lambda: tab.session is not None and tab.session.idle, timeout=5000)


def test_an_export_that_fails_at_once_is_forgotten(qtbot, window, demo_copy, monkeypatch):
    tab = open_and_wait(qtbot, window, demo_copy)
    monkeypatch.setattr(export_actions, "start_in_thread", _ended_before_return)
    exporter = window.exporter
    failed: list[str] = []
    exporter.export_failed.connect(failed.append)

    def job() -> str:
        raise OSError(28, "No space left on device", str(Path("out.csv")))

    assert exporter._run(job, "The worklist", "Writing…")
    qtbot.waitUntil(lambda: not exporter._jobs, timeout=5000)
    assert failed and "No space left on device" in failed[0] and tab.path.exists()


@pytest.mark.parametrize("count", [1, 3])
def test_several_quick_jobs_are_all_reported(qtbot, count):
    ended: list[int] = []
    threads = [
        _ended_before_return(JobWorker(lambda i=i: i, "job"), f"q{i}", lambda i=i: ended.append(i))
        for i in range(count)
    ]
    qtbot.waitUntil(lambda: sorted(ended) == list(range(count)), timeout=5000)
    assert all(t.isFinished() for t in threads)


def _outcome(qtbot, worker) -> tuple[str, object]:
    """Run ``worker`` on a thread; which signal told the outcome, and with what."""
    told: list[tuple[str, object]] = []
    worker.done.connect(lambda value: told.append(("done", value)))
    worker.failed.connect(lambda message: told.append(("failed", message)))
    worker.cancelled.connect(lambda: told.append(("cancelled", None)))
    ended: list[bool] = []
    thread = start_in_thread(worker, "outcome", lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended), timeout=10_000)
    assert wait_for_thread(thread, 10)  # a QThread must end before it is destroyed
    assert len(told) == 1
    return told[0]


def _raises(exc: BaseException):
    def job(*_args):
        raise exc

    return job


@pytest.mark.parametrize(
    ("make", "exc", "expected"),
    [
        (
            lambda job: JobWorker(job, "The worklist"),
            MemoryError(),
            "The worklist was not written: not enough memory.",
        ),
        (
            lambda job: JobWorker(job, "The worklist"),
            KeyError("x"),
            "The worklist was not written because of an unexpected problem (KeyError: 'x').",
        ),
        (
            lambda job: JobWorker(job, "The worklist"),
            PermissionError(13, "Permission denied", "w.csv"),
            "The worklist was not written: Permission denied (w.csv)",
        ),
        (lambda job: BulkWorker(job), MemoryError(), "not enough memory; nothing was changed"),
        (
            lambda job: BulkWorker(job),
            ValueError("bad"),
            "an unexpected problem (ValueError: bad); nothing was changed",
        ),
        (lambda job: BulkWorker(job), EditRejected("not a date"), "not a date"),
    ],
)
def test_a_failing_job_is_one_plain_sentence(qtbot, make, exc, expected):
    assert _outcome(qtbot, make(_raises(exc))) == ("failed", expected)


def test_a_cancelled_job_and_a_finished_one(qtbot):
    assert _outcome(qtbot, BulkWorker(_raises(Cancelled()))) == ("cancelled", None)
    assert _outcome(qtbot, BulkWorker(lambda progress, cancelled: 7)) == ("done", 7)


def test_load_and_compare_failures_name_what_failed(qtbot, tmp_path, monkeypatch):
    import inspector.gui.compare.worker as compare_worker
    import inspector.gui.workers as workers

    monkeypatch.setattr(workers, "prepare", _raises(MemoryError()))
    kind, message = _outcome(qtbot, workers.LoadWorker(tmp_path / "big.834"))
    assert kind == "failed" and message.startswith("big.834: the file is too large to open")
    monkeypatch.setattr(compare_worker, "load", _raises(RuntimeError("boom")))
    worker = compare_worker.CompareWorker(tmp_path / "a.834", tmp_path / "b.834")
    assert _outcome(qtbot, worker) == (
        "failed",
        "The comparison stopped because of an unexpected problem (RuntimeError: boom).",
    )
