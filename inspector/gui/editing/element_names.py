"""Short names of the elements of the segments an 834 uses, for the segment editor.

Plain data, worded for clerks (the implementation guide's names, shortened). Elements not listed
are shown by their id alone.
"""

from __future__ import annotations

_NAMES: dict[str, tuple[str, ...]] = {
    "ISA": ("Authorization qualifier", "Authorization information", "Security qualifier",
            "Security information", "Sender ID qualifier", "Sender ID", "Receiver ID qualifier",
            "Receiver ID", "Interchange date (YYMMDD)", "Interchange time (HHMM)",
            "Repetition separator", "Version", "Interchange control number",
            "Acknowledgment requested", "Usage (P production, T test)", "Component separator"),
    "GS": ("Functional ID", "Sender code", "Receiver code", "Date", "Time",
           "Group control number", "Responsible agency", "Version / guide"),
    "ST": ("Transaction set ID", "Control number", "Implementation guide"),
    "BGN": ("Purpose", "Reference number", "Date", "Time", "Time zone", "Original reference",
            "Transaction type", "Action"),
    "REF": ("Reference qualifier", "Reference value", "Description", "Reference identifier"),
    "DTP": ("Date qualifier", "Date format (D8 date, RD8 range)", "Date"),
    "QTY": ("Quantity qualifier", "Quantity"),
    "N1": ("Entity", "Name", "ID qualifier", "ID"),
    "N3": ("Address line 1", "Address line 2"),
    "N4": ("City", "State", "ZIP code", "Country", "Location qualifier", "Location",
           "Country subdivision"),
    "ACT": ("Account number", "", "", "", "", "Account number 2"),
    "INS": ("Subscriber (Y/N)", "Relationship", "Maintenance type", "Maintenance reason",
            "Benefit status", "Medicare status", "COBRA qualifying event", "Employment status",
            "Student status", "Handicap (Y/N)", "Date format", "Death date",
            "Confidentiality", "", "", "", "Birth sequence number"),
    "NM1": ("Entity", "Entity type", "Last or organization name", "First name", "Middle name",
            "Prefix", "Suffix", "ID qualifier", "ID", "Entity relationship", "Entity ID"),
    "PER": ("Contact function", "Name", "Communication qualifier 1", "Number 1",
            "Communication qualifier 2", "Number 2", "Communication qualifier 3", "Number 3"),
    "DMG": ("Date format", "Birth date", "Gender", "Marital status", "Race or ethnicity",
            "Citizenship", "", "", "", "Race or ethnicity code qualifier",
            "Race or ethnicity code"),
    "EC": ("Employment class 1", "Employment class 2", "Employment class 3"),
    "ICM": ("Wage frequency", "Wage amount", "Weekly hours", "Work location", "Salary grade",
            "Currency"),
    "AMT": ("Amount qualifier", "Amount"),
    "HLH": ("Health-related code", "Height", "Weight"),
    "LUI": ("Language qualifier", "Language code", "Language", "Language use"),
    "DSB": ("Disability type", "", "", "", "", "", "Diagnosis code qualifier",
            "Diagnosis code"),
    "HD": ("Maintenance type", "", "Insurance line", "Plan", "Coverage level", "", "", "",
           "Late enrollment (Y/N)"),
    "IDC": ("Plan", "ID card type", "Quantity", "Action"),
    "LX": ("Assigned number",),
    "COB": ("Payer responsibility", "Policy number", "Coordination of benefits",
            "Service type"),
    "LS": ("Loop ID",),
    "LE": ("Loop ID",),
    "SE": ("Segment count", "Control number"),
    "GE": ("Number of transaction sets", "Group control number"),
    "IEA": ("Number of groups", "Interchange control number"),
}


def element_name(segment_id: str, position: int) -> str:
    """``("DMG", 2)`` → ``"Birth date"``; "" when not known."""
    names = _NAMES.get(segment_id, ())
    return names[position - 1] if 1 <= position <= len(names) else ""
