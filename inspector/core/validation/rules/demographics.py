"""Demographics of the member (2100A): ZIP codes, phone numbers, names, birth date and gender.

pyx12 checks none of these beyond lengths: N403 is free text of 3-15 characters, PER04 text of
1-256, NM103 text; DMG is situational, so a member without DMG is not an implementation-guide
error (DMG02/DMG03 missing inside a DMG are, and are left to pyx12).
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import TYPE_CHECKING

from inspector.core.validation.rules.base import FixEdit, Problem, fix_of, fixer, rule
from inspector.core.validation.rules.views import MemberView

if TYPE_CHECKING:
    from inspector.core.findings import Finding
    from inspector.core.records.document import Document

# US states, DC, territories and freely associated states, military "states" (N402 codes whose
# postal codes are ZIP Codes); Canadian provinces are absent on purpose.
US_STATES = frozenset(
    {
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "AS",
        "FM",
        "GU",
        "MH",
        "MP",
        "PR",
        "PW",
        "VI",
        "AA",
        "AE",
        "AP",
    }
)


def _zip_table() -> tuple[dict[str, frozenset[str]], str]:
    data = json.loads(
        files("inspector.core.validation.rules").joinpath("data/zip3_by_state.json").read_text()
    )
    by_prefix: dict[str, set[str]] = {}
    for state, ranges in data["prefixes"].items():
        for r in ranges:
            lo, _, hi = r.partition("-")
            for k in range(int(lo), int(hi or lo) + 1):
                by_prefix.setdefault(f"{k:03d}", set()).add(state)
    return {p: frozenset(s) for p, s in by_prefix.items()}, data["source"]


#: 3-digit ZIP prefix -> the state codes it serves (see data/zip3_by_state.json).
ZIP_PREFIX_STATES, ZIP_SOURCE = _zip_table()

_DIGITS = re.compile(r"[0-9]+\Z")


class _Zip:
    """What is wrong with one (ZIP, state) pair of a US address (computed once per pair)."""

    __slots__ = ("format_hint", "other_states", "zero")

    def __init__(self, zipc: str, state: str) -> None:
        self.format_hint: str | None = None
        self.zero = zipc[:5] == "00000"
        self.other_states: frozenset[str] | None = None
        if len(zipc) in (5, 9) and _DIGITS.match(zipc):
            states = ZIP_PREFIX_STATES.get(zipc[:3])
            if states and state not in states:
                self.other_states = states
            return
        digits = zipc.replace("-", "").replace(" ", "")
        if len(digits) in (5, 9) and _DIGITS.match(digits):
            self.format_hint = f"remove the punctuation and send {digits}"
        else:
            self.format_hint = "a ZIP Code is 5 digits, or 9 digits for ZIP+4"


_ZIPS: dict[tuple[str, str], _Zip | None] = {}


def _us_postal(m: MemberView) -> tuple[str, str, _Zip] | None:
    """(ZIP, state, verdict) of a 2100A N4 in the US, else None."""
    n4 = m.n4
    if not n4 or len(n4) < 4:
        return None
    key = (n4[3], n4[2]) if len(n4) < 5 else (n4[3], n4[2] if n4[4] in ("US", "USA") else "")
    verdict = _ZIPS.get(key, False)
    if verdict is False:
        zipc, state = key
        verdict = _Zip(zipc, state) if zipc and state in US_STATES else None
        if len(_ZIPS) < 100_000:
            _ZIPS[key] = verdict
    return None if verdict is None else (key[0], key[1], verdict)  # type: ignore[return-value]


@rule(
    "RULE-ZIP-FORMAT",
    severity="warning",
    title="A US ZIP code (N403) is not 5 or 9 digits",
    source="TR3 005010X220A1, 2100A N403 (US postal code: the 5- or 9-digit ZIP Code, sent "
    "without punctuation)",
    fix="Send the 5-digit ZIP Code, or ZIP+4 as 9 digits without the hyphen (627011234).",
    elements=("N403",),
)
def zip_format(m: MemberView):
    found = _us_postal(m)
    if found is None or found[2].format_hint is None:
        return None
    zipc, state, verdict = found
    hint = verdict.format_hint
    return [
        Problem(
            m.n4_o,
            "N403",
            zipc,
            f"The ZIP code '{m.tx.ctx.decode(zipc)}' of this {state} address is not 5 or 9 digits: {hint}.",
        )
    ]


_ZIP_DRESSED = re.compile(r"([0-9]{5})(?:[- ]?([0-9]{4}))?\Z")


@fixer("RULE-ZIP-FORMAT")
def fix_zip_format(f: Finding, doc: Document) -> tuple[FixEdit, ...] | str:
    """``62701-1234`` → ``627011234`` (ZIP+4 without the hyphen or space), ``62701 `` →
    ``62701``; a ZIP with too few or too many digits is not guessed."""
    m = _ZIP_DRESSED.match((f.value or "").strip())
    if m is None:
        return f"'{f.value}' is not a 5- or 9-digit ZIP with punctuation; send the real ZIP Code"
    return fix_of(f, doc, "N403", m.group(1) + (m.group(2) or ""))


@rule(
    "RULE-ZIP-ZERO",
    severity="error",
    title="The ZIP code (N403) is 00000, a placeholder",
    source="USPS: no ZIP Code is 00000 (the lowest prefix in use is 005); common practice: "
    "00000 is a filler for an unknown address",
    fix="Send the member's real ZIP Code.",
    elements=("N403",),
)
def zip_zero(m: MemberView):
    found = _us_postal(m)
    if found is not None and found[2].zero:
        return [
            Problem(
                m.n4_o,
                "N403",
                found[0],
                f"The ZIP code {found[0]} is a placeholder: no ZIP Code is 00000. Send the "
                "member's real ZIP Code.",
            )
        ]


@rule(
    "RULE-ZIP-STATE",
    severity="warning",
    title="The ZIP code's first three digits belong to another state than N402",
    source=ZIP_SOURCE,
    fix="Correct the state (N402) or the ZIP Code (N403) so that they agree.",
    elements=("N403", "N402"),
)
def zip_state(m: MemberView):
    found = _us_postal(m)
    if found is None or found[2].other_states is None:
        return None
    zipc, state, verdict = found
    states = verdict.other_states or frozenset()
    return [
        Problem(
            m.n4_o,
            "N403",
            zipc,
            f"ZIP code {zipc} is in {'/'.join(sorted(states))} (prefix {zipc[:3]}), but the "
            f"address says state {state}. Correct the state or the ZIP Code (a few ZIP Codes "
            "at state lines also serve the neighbouring state; confirm the address).",
        )
    ]


# -- phone numbers --------------------------------------------------------------------------
_PHONE_QUALIFIERS = {
    "TE": "telephone",
    "HP": "home phone",
    "WP": "work phone",
    "CP": "cell phone",
    "AP": "alternate phone",
    "FX": "fax",
}


def _phones(m: MemberView):
    """(ordinal, element name, qualifier, number) of the 2100A phone numbers of a US member."""
    n4 = m.n4
    if n4 and len(n4) > 4 and n4[4] not in ("", "US", "USA"):
        return  # a member abroad may give a foreign number
    for o, els in m.phones:
        for k in (3, 5, 7):
            if len(els) > k + 1 and els[k] in _PHONE_QUALIFIERS and els[k + 1]:
                yield o, f"PER{k + 1:02d}", els[k], els[k + 1]


def _ten_digits(number: str) -> str | None:
    if _DIGITS.match(number):
        if len(number) == 11 and number[0] == "1":
            return number[1:]
        return number if len(number) == 10 else None
    return None


@rule(
    "RULE-PHONE-FORMAT",
    severity="warning",
    title="A phone number (PER04/06/08) is not 10 digits",
    source="TR3 005010X220A1, 2100A PER04 note: a US telephone number is sent as 10 digits "
    "(area code, exchange, number) without punctuation",
    fix="Send the number as 10 digits, e.g. 8045550123: no parentheses, hyphens, spaces or "
    "extension (an extension goes in its own EX pair).",
    elements=("PER04", "PER06", "PER08"),
)
def phone_format(m: MemberView):
    if not m.phones:
        return None
    return list(_phone_format(m))


def _phone_format(m: MemberView):
    for o, el, q, number in _phones(m):
        if _ten_digits(number) is not None:
            continue
        digits = "".join(ch for ch in number if "0" <= ch <= "9")
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) == 10 and not any(ch.isalpha() for ch in number):
            hint = f"send the digits only: {digits}"
        else:
            hint = f"it has {len(digits)} digit(s); a US number has 10"
        yield Problem(
            o,
            el,
            number,
            f"The {_PHONE_QUALIFIERS[q]} number '{m.tx.ctx.decode(number)}' is not 10 digits: "
            f"{hint}.",
        )


def _nanp_problem(ten: str) -> str | None:
    area, exchange = ten[:3], ten[3:6]
    if area[0] in "01":
        return f"the area code {area} starts with {area[0]}"
    if area[1:] == "11":
        return f"{area} is a service code (N11), not an area code"
    if area[1] == "9":
        return f"area codes of the form N9X ({area}) are reserved and not assigned"
    if exchange[0] in "01":
        return f"the exchange {exchange} starts with {exchange[0]}"
    if exchange[1:] == "11":
        return f"the exchange {exchange} is a service code (N11)"
    return None


@rule(
    "RULE-PHONE-NUMBER",
    severity="warning",
    title="A 10-digit phone number breaks the North American Numbering Plan",
    source="North American Numbering Plan (NANPA): area code and exchange start with 2-9, "
    "N11 codes are service codes, N9X area codes are reserved",
    fix="Correct the phone number; a NANP number is NXX-NXX-XXXX with N = 2-9.",
    elements=("PER04", "PER06", "PER08"),
)
def phone_number(m: MemberView):
    if not m.phones:
        return None
    return list(_phone_number(m))


def _phone_number(m: MemberView):
    for o, el, q, number in _phones(m):
        ten = _ten_digits(number)
        if ten is None:
            continue
        why = _nanp_problem(ten)
        if why:
            yield Problem(
                o,
                el,
                number,
                f"The {_PHONE_QUALIFIERS[q]} number {number} cannot be dialled: {why}. "
                "Correct the number (NXX-NXX-XXXX, N = 2-9).",
            )


# -- names ------------------------------------------------------------------------------------
_NAME_PARTS = ((3, "NM103", "last name"), (4, "NM104", "first name"), (5, "NM105", "middle name"))
_NAME_OK = frozenset(" '-.")
_NAME_SEEN: dict[str, str | None] = {}


def _name_problem(text: str) -> str | None:
    """What is wrong with a person's name part (None: plausible); cached per distinct text."""
    if text in _NAME_SEEN:
        return _NAME_SEEN[text]
    why = None
    for ch in text:
        if ch.isalpha() or ch in _NAME_OK:
            continue
        if "0" <= ch <= "9":
            why = f"it contains the digit {ch}"
        elif ord(ch) < 32 or 127 <= ord(ch) < 160:
            why = f"it contains the control character {ord(ch):#04x}"
        else:
            why = f"it contains '{ch}'"
        break
    if why is None and text and not any(ch.isalpha() for ch in text):
        why = "it has no letter"
    if len(_NAME_SEEN) < 100_000:
        _NAME_SEEN[text] = why
    return why


@rule(
    "RULE-NAME-CHARACTERS",
    severity="warning",
    title="A member's name (NM103/NM104/NM105) has digits or implausible characters",
    source="common practice: person names consist of letters, spaces, apostrophes, hyphens "
    "and periods (O'BRIEN, SMITH-JONES, ST. JOHN); digits and other signs are keying or "
    "mapping errors",
    fix="Correct the name: letters, spaces, apostrophes, hyphens and periods only; a suffix "
    "such as JR or III goes in NM107.",
    elements=("NM103", "NM104", "NM105"),
)
def name_characters(m: MemberView):
    nm1 = m.nm1
    if len(nm1) < 4 or nm1[2] == "2":
        return None
    decode = m.tx.ctx.decode
    found = []
    for k, el, what in _NAME_PARTS:
        raw = nm1[k] if len(nm1) > k else ""
        if not raw:
            continue
        # a UTF-8 file's letters are letters only once decoded
        text = raw if raw.isascii() else decode(raw)
        why = _name_problem(text)
        if why:
            found.append(
                Problem(
                    m.nm1_o,
                    el,
                    raw,
                    f"The {what} '{text}' is not a plausible name: {why}. "
                    "Correct it (letters, spaces, apostrophes, hyphens and periods only).",
                )
            )
    return found


@rule(
    "RULE-ADD-NO-DEMOGRAPHICS",
    severity="warning",
    title="A member being added (INS03 021) has no DMG (birth date and gender)",
    source="common practice: a new enrollment needs the member's birth date and gender (2100A "
    "DMG) for eligibility and rating; the TR3 makes DMG situational, so pyx12 does not ask "
    "for it",
    fix="Add DMG*D8*CCYYMMDD*F|M|U after the member's N3/N4 (or NM1) in loop 2100A.",
    elements=("DMG02", "DMG03"),
)
def add_no_demographics(m: MemberView):
    if m.maintenance == "021" and not m.dmg_o and m.nm1_o:
        return [
            Problem(
                m.nm1_o,
                None,
                None,
                "This member is added (INS03=021) but has no DMG segment, so the receiver gets no "
                "birth date or gender. Add DMG*D8*CCYYMMDD*F|M|U to loop 2100A.",
            )
        ]
