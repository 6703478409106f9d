"""Command line: ``inspector summary|export|validate|compare|rules|open`` (and the GUI when given
files).

Exit codes: 0 ok, 1 the file has errors, 2 the file could not be read as an 834 or the command
line is wrong (message on stderr), 3 the desktop app cannot start here (no display, Qt missing;
one line on stderr says what to do), 130 interrupted, 141 the reader of stdout went away
(``inspector summary F | head``). This module uses the core only; it never imports Qt (the GUI is
imported lazily).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from inspector import __version__
from inspector.core.errors import InspectorError
from inspector.core.files import explain
from inspector.resources import demo_path

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_NO_GUI = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 128 + 13  # 141: as if killed by SIGPIPE
# Errors of a write that names no file: standard output's (a full disk, a failing device).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
COMMANDS = ("open", "summary", "export", "validate", "compare", "rules")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    given = list(argv)  # as typed, for hints that repeat the command
    # `inspector FILE...` and `inspector --demo` start the GUI, like `inspector open ...`.
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["open", *argv]
    args = _parser().parse_args(argv)
    args.argv = given
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except KeyboardInterrupt:
        print("inspector: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `inspector summary F | head`: the reader has all it wanted
        _discard_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # stdout on a full disk (`> /dev/full`) or a failing device
        if exc.filename is not None or exc.errno not in _OUTPUT_ERRNOS:
            raise  # every file the commands write names itself (OutputError): not stdout
        where = _stdout_name()
        _discard_stdout()
        print(f"inspector: cannot write to {where}: {explain(exc)}", file=sys.stderr)
        return EXIT_UNREADABLE


def _stdout_name() -> str:
    """Where stdout goes (``/dev/full``), for the message; "standard output" if unknown."""
    try:
        return os.readlink(f"/proc/self/fd/{sys.stdout.fileno()}")
    except (AttributeError, OSError, ValueError):
        return "standard output"


def _discard_stdout() -> None:
    """Point stdout at the null device so that the interpreter's last flush stays quiet."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by a test or an embedding app
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


PROFILE_HELP = (
    "rule profile: a built-in one (base, ffe, sbe, employer), the name of your own profile "
    "file in the settings folder, or the path of a .toml profile file; may be repeated "
    "(`inspector rules --help` says where your profiles go)"
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="inspector",
        description="Inspect ANSI X12 834 benefit-enrollment files (005010X220A1).",
        epilog="Without a command, `inspector FILE...` opens the files in the desktop app.",
    )
    p.add_argument("--version", action="version", version=f"inspector {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    op = sub.add_parser("open", help="open files in the desktop app (default command)")
    op.add_argument("files", nargs="*", type=Path)
    op.add_argument("--demo", action="store_true", help="open the bundled synthetic sample")
    op.add_argument("--quit-after-load", action="store_true", help=argparse.SUPPRESS)
    op.set_defaults(func=_cmd_open)

    sp = sub.add_parser("summary", help="envelopes, transaction sets and member counts")
    sp.add_argument("files", nargs="+", type=Path)
    sp.add_argument("--format", choices=("text", "json"), default="text")
    sp.set_defaults(func=_cmd_summary)

    ep = sub.add_parser(
        "export",
        help="write members.csv, coverage.csv, findings.csv and, "
        "with --edits or --apply, corrections.csv and a corrected 834",
    )
    ep.add_argument("file", type=Path)
    ep.add_argument("--out", type=Path, required=True, help="output folder (created if needed)")
    ep.add_argument(
        "--edits",
        type=Path,
        metavar="edits.json",
        help='corrections to apply first: a JSON list of {"segment": N, '
        '"element": "DMG02", "value": "19800228"}',
    )
    ep.add_argument(
        "--apply",
        type=Path,
        metavar="corrections.csv",
        help="a corrections list to apply (after --edits): a CSV or XLSX with a member key "
        "('Subscriber ID' + 'Member ID', or 'SSN') and columns named like the export's "
        "('Birth date' or birth_date, 'Benefit begin', 'APTC AMT' ...) holding new values; a "
        "blank cell leaves a value as it is. Each row is checked like a single edit; a refused "
        "row (unknown or ambiguous key, unknown column, a value that fails a check, a column no "
        "single element backs) is listed with its reason and nothing of it is written, the "
        "accepted rows are applied as one step and everything is written. Exit 1 when a row "
        "was refused, 2 (nothing written) when the list itself cannot be used",
    )
    ep.add_argument(
        "--corrected-834",
        type=Path,
        metavar="PATH",
        help="also write the corrected 834 (never over the original file)",
    )
    ep.add_argument(
        "--ack",
        type=Path,
        metavar="999.txt",
        help="also write a 999 acknowledgment of the file as received",
    )
    ep.add_argument(
        "--no-pyx12",
        action="store_true",
        help="skip implementation-guide checks in findings.csv (faster)",
    )
    ep.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="PROFILE",
        help=PROFILE_HELP,
    )
    ep.add_argument(
        "--mask-phi",
        nargs="?",
        const="all",
        choices=("all", "ssn-dob"),
        help="mask personal data in the CSV files, for files that leave the team: SSNs (last 4 "
        "shown), birth dates (year kept), names and addresses ('all', the default), or SSNs "
        "and birth dates only ('ssn-dob'). Not with --corrected-834 or --ack",
    )
    ep.add_argument(
        "--format",
        choices=("csv", "xlsx"),
        default="csv",
        help="csv: members.csv, coverage.csv and findings.csv (the default); xlsx: one workbook "
        "FILE.xlsx with a Summary sheet and one sheet per table (ids as text, dates as dates, "
        "amounts as numbers, rows with errors filled)",
    )
    ep.add_argument(
        "--machine-names",
        action="store_true",
        help="column headers as scripts know them (last_name, member_pos, ...) instead of the "
        "titles shown in the app",
    )
    ep.add_argument(
        "--problems-only",
        action="store_true",
        help="only the members with an error or a warning (with their coverage and findings)",
    )
    ep.set_defaults(func=_cmd_export)

    vp = sub.add_parser("validate", help="list problems with their segment and line")
    vp.add_argument("files", nargs="+", type=Path)
    vp.add_argument("--format", choices=("text", "json"), default="text")
    vp.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="PROFILE",
        help=PROFILE_HELP,
    )
    vp.add_argument(
        "--no-pyx12",
        action="store_true",
        help="skip implementation-guide checks (envelope and business rules only)",
    )
    vp.add_argument(
        "--ack",
        type=Path,
        metavar="999.txt",
        help="also write a 999 acknowledgment for the (single) file",
    )
    vp.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="processes for the implementation-guide check of a large file "
        "(default: one per core; 1: no extra processes)",
    )
    vp.set_defaults(func=_cmd_validate)

    cp = sub.add_parser(
        "compare",
        help="who was added, dropped, terminated, changed or duplicated between two files",
        description="Compare OLD (an 834, or a CSV/XLSX of the current enrollment) with NEW. "
        "Exit 0: no differences, 1: differences found, 2: a file could not be used.",
    )
    cp.add_argument("old", type=Path, help="last week's 834, or the insurer's CSV/XLSX")
    cp.add_argument("new", type=Path, help="this week's 834, or the audit (full) file")
    cp.add_argument("--format", choices=("text", "json", "csv", "xlsx"), default="text")
    cp.add_argument("--out", type=Path, metavar="DIR", help="folder for the result files")
    cp.add_argument(
        "--map",
        metavar="FIELD=COLUMN,...",
        help="column names of a CSV/XLSX side, e.g. ssn=SSN,last_name=Surname,birth_date=DOB",
    )
    cp.add_argument(
        "--audit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="treat NEW as a full/audit file (default: when BGN08 is 4 or INS03 is 030 throughout)",
    )
    cp.add_argument("--all", action="store_true", help="text/json: list unchanged members too")
    cp.add_argument(
        "--mask-phi",
        nargs="?",
        const="all",
        choices=("all", "ssn-dob"),
        help="mask personal data in the result, for files that leave the team: SSNs (last 4 "
        "shown), birth dates (year kept), names and addresses ('all', the default), or SSNs "
        "and birth dates only ('ssn-dob')",
    )
    cp.set_defaults(func=_cmd_compare)

    rp = sub.add_parser(
        "rules",
        help="list the business rules a profile switches on, with their source and fix",
        description="List the business rules active under the profile (the base rules without "
        "--profile): code, severity (as the profile sets it), profile tag, title, source, fix, "
        "elements and parameters (with the profile's values). Your own profiles are .toml "
        f"files in {_user_profiles_dir()}.",
    )
    rp.add_argument("--profile", action="append", default=[], metavar="PROFILE", help=PROFILE_HELP)
    rp.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    rp.add_argument("--all", action="store_true", help="every registered rule, whatever its tag")
    rp.set_defaults(func=_cmd_rules)
    return p


def _user_profiles_dir() -> str:
    from inspector.core.validation.profiles import user_profiles_dir

    return str(user_profiles_dir())


# ---------------------------------------------------------------------------------------------
def _load(path: Path, frames: bool = True):
    from inspector.core.records.document import load

    return load(path, frames=frames)


def _unreadable(exc: InspectorError) -> int:
    print(f"inspector: {exc}", file=sys.stderr)
    return EXIT_UNREADABLE


def _documents(paths: Sequence[Path], failed: list[int]):
    """Load each file in turn; an unreadable one is reported and noted in ``failed`` (the
    tables are built only if used: see :class:`~inspector.core.records.document.Document`)."""
    for path in paths:
        try:
            yield path, _load(path, frames=False)
        except InspectorError as exc:
            failed.append(_unreadable(exc))


def _cmd_open(args: argparse.Namespace) -> int:
    from inspector.gui.app import missing_display, run_gui  # Qt-free until run_gui runs

    files = list(args.files)
    if args.demo:
        files.append(demo_path())
    problem = missing_display(_this_command(args.argv))
    if problem is None:
        problem = _missing_qt()
    if problem is not None:
        print(f"inspector: {problem}", file=sys.stderr)
        return EXIT_NO_GUI
    return run_gui(files, quit_after_load=args.quit_after_load)


def _this_command(argv: Sequence[str]) -> str:
    """How the user started this run, to repeat in a hint (``inspector --demo``, or
    ``.venv/bin/python -m inspector --demo`` when started with ``-m``)."""
    if getattr(sys, "frozen", False):
        start = [sys.argv[0]]
    elif Path(sys.argv[0]).name in ("__main__.py", "cli.py"):
        exe = sys.executable
        rel = os.path.relpath(exe) if exe.startswith(os.getcwd() + os.sep) else exe
        start = [rel, "-m", "inspector"]
    else:
        start = ["inspector"]
    return shlex.join([*start, *argv])


def _missing_qt() -> str | None:
    """Why PySide6 cannot be loaded here, or None. Only an import error of Qt itself counts:
    a broken import inside the inspector still shows as the bug it is."""
    try:
        # a probe, only on the way to the app: the CLI itself never loads Qt
        # (tests/test_imports.py checks that `inspector summary` does not)
        importlib.import_module("PySide6.QtWidgets")
    except ImportError as exc:
        if not _is_qt_import_error(exc):
            raise
        return (
            f"the desktop app cannot start: Qt is missing or broken ({exc}); run "
            "`bash .ci/setup`. The command line still works: try `inspector summary FILE`."
        )
    return None


def _is_qt_import_error(exc: ImportError) -> bool:
    """A missing PySide6/shiboken6 or one of their extension modules failing to load (a
    missing system library names only the extension, e.g. ``QtWidgets``, and its path)."""
    qt = ("PySide6", "shiboken6")
    if (exc.name or "").partition(".")[0] in qt:
        return True
    return any(part in qt for part in Path(exc.path or "").parts)


def _cmd_summary(args: argparse.Namespace) -> int:
    status = EXIT_OK
    out: list[dict] = []
    failed: list[int] = []
    for _path, doc in _documents(args.files, failed):
        summary = doc.summary()
        problems = doc.problems
        summary["envelope_errors"] = sum(1 for f in problems if f.severity == "error")
        summary["envelope_warnings"] = sum(1 for f in problems if f.severity == "warning")
        if summary["envelope_errors"]:
            status = max(status, EXIT_FINDINGS)
        if args.format == "json":
            out.append(summary)
        else:
            print(_summary_text(summary))
    if args.format == "json":
        print(json.dumps(out, indent=2))  # a list, one entry per file read, in order
    return max([status, *failed])


def _summary_text(s: dict) -> str:
    lines = [
        f"{s['file']}",
        f"  size          {s['bytes']:,} bytes, {s['segments']:,} segments",
        f"  delimiters    {s['delimiters']}",
    ]
    for i in s["interchanges"]:
        lines.append(
            f"  interchange   {i['control']}  {i['sender']} -> {i['receiver']}  "
            f"date {i['date']}  version {i['version']}  usage {i['usage']}"
        )
        for g in i["groups"]:
            lines.append(
                f"    group       {g['control']}  {g['version']}  "
                f"{len(g['transactions'])} transaction set(s)"
            )
    for t in s["transactions"]:
        lines.append(
            f"  834 set       {t['control']}  guide {t['guide']}  action "
            f"{t['action'] or '-'}  sponsor {t['sponsor'] or '-'}  payer "
            f"{t['payer'] or '-'}  members {t['members']}"
        )
    lines.append(
        f"  members       {s['members']:,} ({s['subscribers']:,} subscribers, "
        f"{s['dependents']:,} dependents)"
    )
    lines.append(f"  coverages     {s['coverages']:,}")
    for k, v in s["maintenance_types"].items():
        lines.append(f"    {k:<32} {v:,}")
    if s["other_transaction_sets"]:
        lines.append(f"  other sets    {', '.join(s['other_transaction_sets'])} (not shown)")
    lines.append(
        f"  envelope      {s['envelope_errors']} error(s), "
        f"{s['envelope_warnings']} warning(s) (run `inspector validate` for all checks)"
    )
    return "\n".join(lines)


def _positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text) if text.isascii() else 0  # int('١٢') is 12: digits are 0-9 only
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of at least 1")
    return value


def _findings(doc, args: argparse.Namespace, pyx12_results: list | None = None):
    from inspector.core.findings import sort_key
    from inspector.core.validation.run import validation_stream

    found = []
    profiles = (args.rule_profile,)
    for batch in validation_stream(
        doc,
        profiles=profiles,
        use_pyx12=not args.no_pyx12,
        pyx12_workers=getattr(args, "workers", None),
    ):
        found.extend(batch.findings)
        if batch.pyx12_result is not None and pyx12_results is not None:
            pyx12_results.append(batch.pyx12_result)  # the 999 comes from this same run
    return sorted(found, key=sort_key)


def _resolve_profiles(args: argparse.Namespace) -> bool:
    """Load the --profile values into ``args.rule_profile`` (one profile); False (and the
    message naming the profile or the file, line and reason on stderr) when one cannot be used."""
    from inspector.core.validation.profiles import ProfileError, load_profiles

    try:
        args.rule_profile = load_profiles(args.profile)
    except ProfileError as exc:
        print(f"inspector: {exc}", file=sys.stderr)
        return False
    return True


def _cmd_rules(args: argparse.Namespace) -> int:
    from inspector.core.validation.catalogue import render, rule_rows

    if not _resolve_profiles(args):
        return EXIT_UNREADABLE
    profile = args.rule_profile
    print(render(rule_rows(profile, every=args.all), args.format, profile))
    return EXIT_OK


def _mask_policy(args: argparse.Namespace):
    """The masking ``--mask-phi`` asks for (None: not masked)."""
    from inspector.core.records.mask import MaskPolicy

    choice = getattr(args, "mask_phi", None)
    return None if choice is None else MaskPolicy(names=choice == "all")


def _cmd_export(args: argparse.Namespace) -> int:
    from inspector.core.editing.session import EditSession
    from inspector.core.export.corrections import check_output_path, export_all

    if not _resolve_profiles(args):
        return EXIT_UNREADABLE
    mask = _mask_policy(args)
    if mask is not None and (args.corrected_834 is not None or args.ack is not None):
        from inspector.core.export.corrections import MASK_REFUSED

        print(
            f"inspector: --mask-phi with --corrected-834 or --ack: {MASK_REFUSED}", file=sys.stderr
        )
        return EXIT_UNREADABLE
    try:
        doc = _load(args.file)
    except InspectorError as exc:
        return _unreadable(exc)
    session = EditSession(doc)
    if args.edits is not None:
        from inspector.core.editing.edit_list import EditListRejected, load_edit_list

        try:  # the whole list applies, or none of it (the message names file, entry, reason)
            load_edit_list(session, args.edits)
        except EditListRejected as exc:
            print(f"inspector: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    listed = None
    if args.apply is not None:
        from inspector.core.editing.corrections_list import apply_corrections

        try:
            listed = apply_corrections(session, args.apply)
        except InspectorError as exc:  # the list is unusable, or the result would not load
            print(f"inspector: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        if args.corrected_834 is not None:
            check_output_path(session, args.corrected_834)
        result = export_all(
            session,
            args.out,
            profiles=(args.rule_profile,),
            use_pyx12=not args.no_pyx12,
            corrections=args.edits is not None or args.apply is not None,
            corrected_834=args.corrected_834,
            ack=args.ack,
            mask=mask,
            machine_names=args.machine_names,
            table_format=args.format,
            problems_only=args.problems_only,
        )
    except OSError as exc:
        print(
            f"inspector: cannot write to {exc.filename or args.out}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    except InspectorError as exc:
        print(f"inspector: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for path in result.written:
        print(path)
    print(
        f"{result.members:,} members, {result.coverages:,} coverages, "
        f"{len(result.findings):,} findings"
        + (f", {_edits_applied(session, listed)} edit(s) applied" if args.edits is not None else "")
    )
    if listed is not None:
        _print_corrections(listed, session)
        if listed.refused:
            return EXIT_FINDINGS
    return EXIT_FINDINGS if any(f.severity == "error" for f in result.findings) else EXIT_OK


def _edits_applied(session, listed) -> int:
    """Edits of the edit list (--edits): every step but the corrections list's."""
    steps = [c for c in session.history if listed is None or c is not listed.change]
    return sum(len(c.edits) or 1 for c in steps)


def _print_corrections(listed, session) -> None:
    """Applied and refused rows of a corrections list; SSNs masked."""
    from inspector.core.editing.corrections_list import refused_rows
    from inspector.core.records.mask import Masker, MaskPolicy

    masker = Masker(MaskPolicy(), session.doc.members)
    change = listed.change
    edits = len(change.edits) if change is not None else 0
    print(
        f"{listed.path.name}: {len(listed.applied):,} row(s) applied ({edits:,} element(s) of "
        f"{listed.members:,} member(s)), {len(listed.refused):,} refused, "
        f"{len(listed.unchanged):,} unchanged"
    )
    for line, key, reason in refused_rows(listed, masker):
        print(f"  refused line {line} ({key or 'no key'}): {reason}")


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    reports = []
    if args.ack and len(args.files) != 1:
        print("inspector: --ack needs exactly one file", file=sys.stderr)
        return EXIT_UNREADABLE
    if not _resolve_profiles(args):
        return EXIT_UNREADABLE
    failed: list[int] = []
    for path, doc in _documents(args.files, failed):
        pyx12_results: list = []
        findings = _findings(doc, args, pyx12_results)
        if any(f.severity == "error" for f in findings):
            status = max(status, EXIT_FINDINGS)
        if args.format == "json":
            reports.append(
                {
                    "file": str(path),
                    "members": len(doc.structure.members),
                    "coverages": len(doc.structure.coverages),
                    "findings": [f.to_dict() for f in findings],
                }
            )
        else:
            for f in findings:
                line = doc.store.line(f.segment) if f.segment else 0
                print(
                    f"{path}:{f.segment or 0}:{line} {f.element or '-'} {f.severity} "
                    f"{f.code} {f.message}"
                )
            errors = sum(1 for f in findings if f.severity == "error")
            warnings = sum(1 for f in findings if f.severity == "warning")
            print(
                f"{path}: {len(doc.structure.members):,} members, {errors} error(s), "
                f"{warnings} warning(s)",
                file=sys.stderr,
            )
        if args.ack:
            try:
                from inspector.core.validation.pyx12.adapter import write_999

                write_999(
                    doc.store.data, args.ack, result=pyx12_results[0] if pyx12_results else None
                )
            except (InspectorError, OSError) as exc:
                print(
                    f"inspector: {path}: the 999 acknowledgment was not written to {args.ack}: "
                    f"{exc}",
                    file=sys.stderr,
                )
                # the file's verdict stands when the file is why there is no 999 (the guide
                # check could not run: that is an error finding already); a path that cannot
                # be written is the command failing
                status = max(status, EXIT_UNREADABLE if isinstance(exc, OSError) else 1)
    if args.format == "json":
        _print_json(reports)  # a list, one report per file read, in order
    return max([status, *failed])


def _print_json(value: object) -> None:
    """``print(json.dumps(value, indent=2))`` without holding the whole text: written in pieces
    (the text of 37,000 findings is over 30 MB, and its pieces several times that)."""
    out = sys.stdout
    pieces: list[str] = []
    for piece in json.JSONEncoder(indent=2).iterencode(value):
        pieces.append(piece)
        if len(pieces) >= 8192:
            out.write("".join(pieces))
            pieces.clear()
    pieces.append("\n")
    out.write("".join(pieces))


def _cmd_compare(args: argparse.Namespace) -> int:
    """Exit 0 when nothing differs, 1 when something does, 2 when a file cannot be used."""
    from inspector.core.export.compare import compare, open_roster, parse_mapping, report

    if args.format in ("csv", "xlsx") and args.out is None:
        print(f"inspector: --format {args.format} needs --out DIR", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.format == "xlsx" and not report.xlsx_available():
        print("inspector: --format xlsx needs openpyxl (pip install openpyxl)", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        mapping = parse_mapping(args.map) if args.map else None
    except ValueError as exc:
        print(f"inspector: --map: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        old = open_roster(args.old, mapping)
        new = open_roster(args.new)
        result = compare(old, new, audit=args.audit)
    except InspectorError as exc:
        return _unreadable(exc)
    from inspector.core.export.compare.masking import mask_result

    result = mask_result(result, _mask_policy(args))
    try:
        written = _write_compare(result, args, report)
    except OSError as exc:
        print(
            f"inspector: cannot write to {exc.filename or args.out}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    for path in written:
        print(path)
    if written:
        counts = ", ".join(f"{k} {v:,}" for k, v in result.counts.items() if v)
        print(counts, file=sys.stderr)
    return EXIT_FINDINGS if result.differences else EXIT_OK


def _write_compare(result, args: argparse.Namespace, report) -> list[Path]:
    if args.format == "csv":
        return report.write_csvs(result, args.out)
    if args.format == "xlsx":
        return [report.write_xlsx(result, args.out / report.XLSX_NAME)]
    if args.format == "json":
        text = json.dumps(report.to_json(result, every=args.all), indent=2)
    else:
        text = report.to_text(result, every=args.all)
    if args.out is None:
        print(text)
        return []
    from inspector.core.files import make_private_dir, write_private

    make_private_dir(args.out)
    path = args.out / f"compare.{'json' if args.format == 'json' else 'txt'}"
    write_private(path, text + "\n")
    return [path]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
