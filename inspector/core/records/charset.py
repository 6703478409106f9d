"""Which characters an 834 value may hold: one definition for every check, edit and parser.

Two facts decide it:

- **Digits are ASCII digits.** ``str.isdigit()`` is also true for Arabic-Indic digits
  (``١٩٨٠``), superscripts (``²``) and hundreds more; ``int()`` then accepts some of them and
  fails on others. X12 numeric, date and time elements hold only ``0``-``9``. Use
  :func:`is_digits` (or :data:`DIGIT_CLASS` in a regular expression; ``\\d`` is Unicode in
  Python), never ``str.isdigit()``.
- **Values use the X12 character set of the file's version** (X12.6; the same sets as the
  implementation-guide engine pyx12, ``pyx12/validation.py``): the basic set (upper-case
  letters, digits, space and ``! " & ' ( ) * + , - . / : ; ? =``) plus the extended set
  (lower-case letters and ``% ~ @ [ ] _ { } \\ | < > # $``, and from 00501 on also ``^`` and
  `````). X12.6 lets partners also agree on national letters (``José``): text elements may
  hold letters of other alphabets (the file is then UTF-8); codes, numbers, dates and times
  never, and digits, symbols, control and format characters (zero-width spaces,
  bidirectional overrides) of other scripts nowhere.
"""

from __future__ import annotations

import unicodedata

ASCII_DIGITS = "0123456789"
#: A digit in a regular expression (``\\d`` would match every Unicode decimal digit).
DIGIT_CLASS = "[0-9]"

BASIC = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ" + ASCII_DIGITS + "!\"&'()*+,-./:;?= ")
EXTENDED_00401 = BASIC | frozenset("abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>#$")
EXTENDED_00501 = EXTENDED_00401 | frozenset("^`")


def is_digits(value: str) -> bool:
    """True when ``value`` is one or more ASCII digits 0-9 (and nothing else)."""
    return value.isascii() and value.isdigit()


def has_foreign_digit(value: str) -> bool:
    """True when ``value`` holds a character Python counts as a digit that is not 0-9."""
    return not value.isascii() and any(ch.isdigit() and ch not in ASCII_DIGITS for ch in value)


def allowed_characters(version: str = "00501") -> frozenset[str]:
    """The X12 character set (basic + extended, ASCII) of an ISA12 version such as ``00501``."""
    return EXTENDED_00501 if version >= "00501" else EXTENDED_00401


def character_problem(value: str, version: str = "00501", *, national: bool = False) -> str | None:
    """Why ``value`` cannot be an X12 data value (plain English, naming the character), or None.

    ``version`` is the file's ISA12; ``national`` allows letters of other alphabets (in text
    elements: names, addresses). Delimiters are not judged here: which characters
    they are depends on the file (see the edit checks).
    """
    allowed = allowed_characters(version)
    for ch in value:
        if ch in allowed:
            continue
        why = _foreign_character(ch, version, national)
        if why:
            return why
    return None


def _foreign_character(ch: str, version: str, national: bool) -> str | None:
    """Why one character outside the version's ASCII set is refused, or None (a national
    letter where those are allowed)."""
    shown = _show(ch)
    if ord(ch) < 32 or ord(ch) == 127:
        return f"contains {shown}, a control character; X12 data must be printable text"
    if ch.isascii():
        return (
            f"contains {shown}, which is not in the X12 character set of version {version} "
            "(letters, digits, space and ! \" & ' ( ) * + , - . / : ; ? = % @ [ ] _ { } < > # $)"
        )
    if ch.isdigit() or unicodedata.category(ch).startswith("N"):
        return (
            f"contains {shown}, which looks like a digit but is not one of 0-9; type plain digits"
        )
    if national and unicodedata.category(ch)[0] in "LM":
        return None
    if unicodedata.category(ch)[0] in "LM":
        return (
            f"contains {shown}, a letter outside the X12 character set of this file "
            "(plain letters A-Z and a-z only)"
        )
    return f"contains {shown}, which is not a character X12 data may hold"


def _show(ch: str) -> str:
    """``'²' (U+00B2 SUPERSCRIPT TWO)``: the character, its code point and its Unicode name."""
    name = unicodedata.name(ch, "")
    code = f"U+{ord(ch):04X}"
    visible = ch.isprintable() and not ch.isspace() and unicodedata.category(ch) != "Cf"
    shown = f"'{ch}' " if visible else ""
    return f"{shown}({code}{' ' + name if name else ''})"


def version_of(isa_elements: list[str]) -> str:
    """ISA12 (``00501``, ``00401`` ...) from the ISA's elements; ``00501`` when absent."""
    version = isa_elements[12].strip() if len(isa_elements) > 12 else ""
    return version if is_digits(version) and len(version) == 5 else "00501"
