"""Every file the inspector writes goes through here: user-only, atomic, errors that name the path.

An 834 and everything derived from it (exports, the corrected 834, the 999, journals of edited
values) is protected health information, so files are created ``0600`` and the folders the
inspector creates ``0700``; a folder that already exists (``--out .``) keeps its mode. A file is
written to a temporary file beside it and renamed over the target when complete, so a full
disk or a crash never leaves half a file under the real name. A target that exists and is not a
regular file (``/dev/full``, a FIFO) is refused rather than replaced. Failures are raised as
:class:`OutputError`, whose message names the path and the reason in plain words.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from inspector.core.errors import InspectorError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

_PLAIN = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EEXIST: "a file of that name is in the way",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EFBIG: "the file is too large for this disk",
}


class OutputError(InspectorError, OSError):
    """A file could not be written; the message names it and says why. ``path`` is the file.

    Also an :class:`OSError` (``errno``, ``strerror`` = the reason, ``filename``), so that code
    written for the operating system's errors still catches it."""

    def __init__(self, path: str | Path, reason: str, code: int | None = None) -> None:
        OSError.__init__(self, code, reason, str(path))
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {self.path}: {self.reason}"


def _failed(path: str | Path, exc: OSError) -> OutputError:
    return exc if isinstance(exc, OutputError) else OutputError(path, explain(exc), exc.errno)


def explain(exc: OSError) -> str:
    """An OSError in plain words (``the disk is full``)."""
    return _PLAIN.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()


def make_private_dir(path: str | Path) -> Path:
    """Create ``path`` and its missing parents as user-only folders (``0700``); folders that
    exist are left as they are. Raises :class:`OutputError`."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    if not missing and not path.is_dir():
        raise OutputError(path, "it is a file, not a folder")
    for folder in reversed(missing):
        try:
            os.mkdir(folder, PRIVATE_DIR)
        except FileExistsError:
            if not folder.is_dir():
                raise OutputError(folder, "a file of that name is in the way") from None
            continue
        except OSError as exc:
            raise _failed(folder, exc) from None
        with contextlib.suppress(OSError):  # the umask may have taken bits; never adds any
            os.chmod(folder, PRIVATE_DIR)
    return path


def _check_target(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _failed(path, exc) from None
    if stat.S_ISDIR(mode):
        raise OutputError(path, "it is a folder; give a file name")
    if not stat.S_ISREG(mode):
        raise OutputError(path, "it is not a regular file (a device or a pipe); give a file name")


@contextlib.contextmanager
def private_file(path: str | Path, mode: str = "wb", **open_kw: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing as a new user-only file, atomically: the body writes to a
    temporary file in the same folder, which replaces ``path`` only when the body completes
    (flushed and fsynced). ``mode`` is ``"wb"`` or ``"w"`` (then ``encoding``/``newline`` as
    for :func:`open`). Raises :class:`OutputError` naming ``path``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"private_file writes new files only, not mode {mode!r}")
    path = Path(path)
    _check_target(path)
    make_private_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _failed(path, exc) from None
    try:
        try:
            with os.fdopen(fd, mode, **open_kw) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, PRIVATE_FILE)  # mkstemp makes 0600 already; say it where it matters
            os.replace(tmp, path)
        except OSError as exc:
            raise _failed(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_private(path: str | Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` as a user-only file, atomically (text: ``encoding``, newlines
    as given). Raises :class:`OutputError`."""
    path = Path(path)
    if isinstance(data, str):
        with private_file(path, "w", encoding=encoding, errors="replace", newline="") as fh:
            fh.write(data)
    else:
        with private_file(path, "wb") as fh:
            fh.write(data)
    return path


def append_private(path: str | Path, text: str) -> None:
    """Append ``text`` (UTF-8) to ``path``, creating it user-only, flushed and fsynced before
    returning (the journal's durable append). Raises :class:`OutputError`."""
    path = Path(path)
    _check_target(path)
    make_private_dir(path.parent)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, PRIVATE_FILE)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE)  # one left by an older version with other bits
            data = text.encode("utf-8")
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _failed(path, exc) from None
