"""Compare two enrollment files: who was added, dropped, terminated, changed or duplicated.

``compare(old, new)`` takes two loaded 834 documents (or rosters read from a CSV/XLSX of the
insurer's enrollment with :func:`open_roster`) and returns a :class:`CompareResult` of pandas
tables; :mod:`.report` writes it as text, JSON, CSV or XLSX.
"""

from inspector.core.export.compare.engine import (
    CATEGORIES,
    CompareResult,
    compare,
)
from inspector.core.export.compare.match import MATCH_ID, MATCH_NAME, MATCH_SSN, MATCH_SUBSCRIBER
from inspector.core.export.compare.roster import (
    CompareInputError,
    Roster,
    from_document,
    from_table,
    open_roster,
    parse_mapping,
)

__all__ = [
    "CATEGORIES",
    "MATCH_ID",
    "MATCH_NAME",
    "MATCH_SSN",
    "MATCH_SUBSCRIBER",
    "CompareInputError",
    "CompareResult",
    "Roster",
    "compare",
    "from_document",
    "from_table",
    "open_roster",
    "parse_mapping",
]
