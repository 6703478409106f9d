"""Code lists of the 834 (005010X220A1) with their meanings, for showing codes decoded.

Code values follow the implementation guide's lists (as encoded in the pyx12 map); meanings are
short plain-English names.
"""

from __future__ import annotations

import re

INS01 = {"Y": "Subscriber", "N": "Dependent"}

RELATIONSHIP = {
    "01": "Spouse",
    "03": "Father or mother",
    "04": "Grandparent",
    "05": "Grandchild",
    "06": "Uncle or aunt",
    "07": "Nephew or niece",
    "08": "Cousin",
    "09": "Adopted child",
    "10": "Foster child",
    "11": "Son-/daughter-in-law",
    "12": "Brother-/sister-in-law",
    "13": "Mother-/father-in-law",
    "14": "Brother or sister",
    "15": "Ward",
    "16": "Stepparent",
    "17": "Stepson or stepdaughter",
    "18": "Self",
    "19": "Child",
    "23": "Sponsored dependent",
    "24": "Dependent of a minor dependent",
    "25": "Ex-spouse",
    "26": "Guardian",
    "31": "Court-appointed guardian",
    "38": "Collateral dependent",
    "53": "Life partner",
    "60": "Annuitant",
    "D2": "Trustee",
    "G8": "Other relationship",
    "G9": "Other relative",
    # 4010 only
    "32": "Mother",
    "33": "Father",
    "48": "Stepfather",
    "49": "Stepmother",
}

MAINTENANCE_TYPE = {
    "001": "Change",
    "002": "Delete",
    "021": "Addition",
    "024": "Cancellation or termination",
    "025": "Reinstatement",
    "026": "Correction",
    "030": "Audit or compare",
    "032": "Employee information not applicable",
}

MAINTENANCE_REASON = {
    "01": "Divorce",
    "02": "Birth",
    "03": "Death",
    "04": "Retirement",
    "05": "Adoption",
    "06": "Strike",
    "07": "Termination of benefits",
    "08": "Termination of employment",
    "09": "COBRA",
    "10": "COBRA premium paid",
    "11": "Surviving spouse",
    "14": "Voluntary withdrawal",
    "15": "Primary care provider change",
    "16": "Quit",
    "17": "Fired",
    "18": "Suspended",
    "20": "Active",
    "21": "Disability",
    "22": "Plan change",
    "25": "Change in identifying data elements",
    "26": "Declined coverage",
    "27": "Pre-enrollment",
    "28": "Initial enrollment",
    "29": "Benefit selection",
    "31": "Legal separation",
    "32": "Marriage",
    "33": "Personnel data",
    "37": "Leave of absence with benefits",
    "38": "Leave of absence without benefits",
    "39": "Lay off with benefits",
    "40": "Lay off without benefits",
    "41": "Re-enrollment",
    "43": "Change of location",
    "59": "Non-payment",
    "AA": "PCP change: office staff",
    "AB": "PCP change: medical care",
    "AC": "PCP change: office location",
    "AD": "PCP change: office hours",
    "AE": "PCP change: no timely appointments",
    "AF": "PCP change: referral policy",
    "AG": "PCP change: respect/attention",
    "AH": "PCP change: member moved",
    "AI": "No reason given",
    "AJ": "PCP change: appointment times not met",
    "AL": "Algorithm-assigned benefit selection",
    "EC": "Member benefit selection",
    "XN": "Notification only",
    "XT": "Transfer",
}

BENEFIT_STATUS = {"A": "Active", "C": "COBRA", "S": "Surviving insured", "T": "TEFRA"}

MEDICARE_PLAN = {
    "A": "Part A",
    "B": "Part B",
    "C": "Parts A and B",
    "D": "Medicare",
    "E": "No Medicare",
}

EMPLOYMENT_STATUS = {
    "AC": "Active",
    "AO": "Active military overseas",
    "AU": "Active military USA",
    "FT": "Full-time",
    "L1": "Leave of absence",
    "PT": "Part-time",
    "RT": "Retired",
    "TE": "Terminated",
}

STUDENT_STATUS = {"F": "Full-time", "N": "Not a student", "P": "Part-time"}

YES_NO = {"Y": "Yes", "N": "No"}

GENDER = {"F": "Female", "M": "Male", "U": "Unknown"}

MARITAL_STATUS = {
    "B": "Registered domestic partner",
    "D": "Divorced",
    "I": "Single",
    "M": "Married",
    "R": "Unreported",
    "S": "Separated",
    "U": "Unmarried",
    "W": "Widowed",
    "X": "Legally separated",
}

INSURANCE_LINE = {
    "AG": "Preventive care/wellness",
    "AH": "24-hour care",
    "AJ": "Medicare risk",
    "AK": "Mental health",
    "DCP": "Dental capitation",
    "DEN": "Dental",
    "EPO": "Exclusive provider organization",
    "FAC": "Facility",
    "HE": "Hearing",
    "HLT": "Health",
    "HMO": "Health maintenance organization",
    "LTC": "Long-term care",
    "LTD": "Long-term disability",
    "MM": "Major medical",
    "MOD": "Mail order drug",
    "PDG": "Prescription drug",
    "POS": "Point of service",
    "PPO": "Preferred provider organization",
    "PRA": "Practitioners",
    "STD": "Short-term disability",
    "UR": "Utilization review",
    "VIS": "Vision",
}

COVERAGE_LEVEL = {
    "CHD": "Children only",
    "DEP": "Dependents only",
    "E1D": "Employee and one dependent",
    "E2D": "Employee and two dependents",
    "E3D": "Employee and three dependents",
    "E5D": "Employee and one or more dependents",
    "E6D": "Employee and two or more dependents",
    "E7D": "Employee and three or more dependents",
    "E8D": "Employee and four or more dependents",
    "E9D": "Employee and five or more dependents",
    "ECH": "Employee and children",
    "EMP": "Employee only",
    "ESP": "Employee and spouse",
    "FAM": "Family",
    "IND": "Individual",
    "SPC": "Spouse and children",
    "SPO": "Spouse only",
    "TWO": "Two party",
}

BGN_PURPOSE = {"00": "Original", "15": "Re-submission", "22": "Information copy"}
BGN_ACTION = {"2": "Change (update)", "4": "Verify (audit)", "RX": "Replace (full file)"}

DATE_QUALIFIER = {
    "007": "Effective",
    "050": "Received",
    "090": "Report start",
    "091": "Report end",
    "286": "Retirement",
    "296": "Return to work",
    "297": "Last day worked",
    "300": "Enrollment signature",
    "301": "COBRA qualifying event",
    "303": "Maintenance effective",
    "336": "Employment begin",
    "337": "Employment end",
    "338": "Medicare begin",
    "339": "Medicare end",
    "340": "COBRA begin",
    "341": "COBRA end",
    "343": "Premium paid-to-date end",
    "348": "Benefit begin",
    "349": "Benefit end",
    "350": "Education begin",
    "351": "Education end",
    "356": "Eligibility begin",
    "357": "Eligibility end",
    "382": "Enrollment",
    "383": "Adjusted hire",
    "385": "Credited service begin",
    "386": "Credited service end",
    "388": "Payment commencement",
    "393": "Plan participation suspension",
    "394": "Rehire",
    "473": "Medicaid begin",
    "474": "Medicaid end",
    "543": "Last premium paid",
    "695": "Previous period",
}

REF_QUALIFIER = {
    "0F": "Subscriber number",
    "1L": "Group or policy number",
    "17": "Client reporting category",
    "23": "Client number",
    "38": "Master policy number",
    "3H": "Case number",
    "4A": "Personal identification number",
    "6O": "Cross reference number",
    "9V": "Payment category",
    "9X": "Account category",
    "ABB": "Personal ID number",
    "CE": "Class of contract code",
    "D3": "NCPDP pharmacy number",
    "DX": "Department/agency",
    "E8": "Service contract number",
    "F6": "Health insurance claim number",
    "M7": "Medical assistance category",
    "P5": "Position code",
    "PID": "Program id",
    "Q4": "Prior identifier",
    "QQ": "Unit number / prior coverage months",
    "RB": "Rate code",
    "X9": "Internal control number",
    "XM": "Issuer number",
    "XX1": "Special program code",
    "XX2": "Service area code",
    "ZX": "County code",
    "ZZ": "Mutually defined",
}


#: 2750 reporting categories (N102, upper-case) whose REF02 is a dollar amount, whatever REF01
#: qualifier carries it (9X, 9V, ZZ ...).
FINANCIAL_CATEGORIES = frozenset(
    {
        "PRE AMT 1",
        "PRE AMT TOT",
        "APTC AMT",
        "CSR AMT",
        "TOT RES AMT",
        "TOT EMP RES AMT",
        "OTH PAY AMT 1",
        "OTH PAY AMT 2",
    }
)

#: An amount as the 834 sends it (X12 type R): optional minus, digits, optional decimal point.
AMOUNT_PATTERN = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")  # ASCII digits only
#: What an amount editor lets a clerk type (the same shape, at most 12 digits and cents).
AMOUNT_INPUT_PATTERN = r"-?[0-9]{0,12}(\.[0-9]{0,2})?"


def decode(code: str, table: dict[str, str]) -> str:
    """``'021'`` → ``'021 Addition'``; unknown codes are flagged, empty stays empty."""
    if not code:
        return ""
    meaning = table.get(code)
    return f"{code} {meaning}" if meaning else f"{code} (unknown code)"
