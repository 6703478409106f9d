"""Public-sample snapshot of the business rules: per public sample and built-in profile, which
rule codes fire and how often, each with why it is a real problem in that file.

A new false positive (or a lost true one) shows up as a diff against SNAPSHOT. To update it
after a deliberate change, check every new entry by hand and write down why it is real. The
samples are TR3, vendor and test files written by others (../shared/samples/834/public/,
SOURCES.md); most findings are their placeholders (SSNs 999999999, names with digits).
Findings marked "real under ... profile" come from running an exchange profile on a Medicaid
or Medi-Cal file, where the exchange's conventions do not hold.

Deliberately absent: RULE-DEP-NO-SUBSCRIBER on the TR3's own dependent-only change examples
(linuxforhealth-x12 add-dependent / cancel-dependent, stupidedi add-dependent-full-time-student
and cancel-a-dependent): a change file (BGN08=2) may add or cancel a dependent of an enrollment
sent earlier without the subscriber's loop, so the rule fires only in full files.
"""

from __future__ import annotations

from collections import Counter

import pytest

from inspector.core.reading.source import read_bytes
from inspector.core.records.document import load_store
from inspector.core.validation.profiles import load_profile
from inspector.core.validation.rules import run_rules
from tests.conftest import sample_files

SNAPSHOT: dict[tuple[str, str], dict[str, tuple[int, str]]] = {
    ("base", "edi834-generator-ambicuity__sample_output_834.edi"): {
        "RULE-BGN-ACTION-MISMATCH": (1, "BGN08=4 contradicts the members' INS03"),
    },
    ("base", "fastchickenshr-edi__golden_builder-single-minimal-member.834"): {
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("base", "fastchickenshr-edi__golden_builder-three-minimal-members.834"): {
        "RULE-SUB-NOT-SELF": (3, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("base", "fastchickenshr-edi__golden_member-2100a-tail.834"): {
        "RULE-PHONE-NUMBER": (
            1,
            "phone 5551234567 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
    },
    ("base", "fastchickenshr-edi__golden_subscriber-with-dependent.834"): {
        "RULE-SUB-NOT-SELF": (2, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("base", "gunajii-edi-parser-validator__sample_834.edi"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "hccinfhir__sample_834_01.txt"): {
        "RULE-BIRTH-TOO-OLD": (
            5,
            "birth date 19000101 is more than 120 years before the file date",
        ),
        "RULE-NAME-CHARACTERS": (10, "placeholder name 'TESTLAST01' with a digit"),
        "RULE-ZIP-ZERO": (5, "placeholder ZIP 00000"),
    },
    ("base", "hccinfhir__sample_834_02.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("base", "hccinfhir__sample_834_03.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("base", "hccinfhir__sample_834_04.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("base", "hccinfhir__sample_834_05.txt"): {
        "RULE-DATE-END-BEFORE-BEGIN": (1, "benefit end 20250930 before its begin date"),
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("base", "hccinfhir__sample_834_06.txt"): {
        "RULE-DATE-END-BEFORE-BEGIN": (1, "benefit end 20250131 before its begin date"),
        "RULE-DATE-INVALID": (2, "'randomDoB1' is not a CCYYMMDD date"),
        "RULE-NAME-CHARACTERS": (4, "placeholder name 'randomLName1' with a digit"),
        "RULE-PHONE-FORMAT": (2, "placeholder phone 'randomPhone1', not 10 digits"),
    },
    ("base", "healthsim__enrollment-834.edi"): {
        "RULE-DEP-REF0F-DIFFERS": (
            4,
            "dependent inside a family whose subscriber has another REF*0F than AET847291002",
        ),
        "RULE-SSN-FORMAT": (5, "NM109 'XXX-XX-4521' is not a nine-digit SSN (masked or cut short)"),
    },
    ("base", "healthsim__pcp-change-834.edi"): {
        "RULE-DEP-REF0F-DIFFERS": (
            4,
            "dependent inside a family whose subscriber has another REF*0F than AET847291002",
        ),
        "RULE-SSN-FORMAT": (5, "NM109 'XXX-XX-4521' is not a nine-digit SSN (masked or cut short)"),
    },
    ("base", "impendjcs-edi-834-validator__data_valid-834.edi"): {
        "RULE-DATE-INVALID": (1, "'20230101~' is not a CCYYMMDD date"),
        "RULE-SUB-NO-ADDRESS": (1, "subscriber without N3/N4"),
    },
    ("base", "impendjcs-edi-834-validator__sample-834Dental.edi"): {
        "RULE-DEP-NO-SUBSCRIBER": (
            1,
            "a full-replacement file (BGN08 RX, INS03 030) lists every member, yet the spouse's "
            "subscriber 312522809 is not in it",
        ),
        "RULE-SSN-FORMAT": (1, "NM109 '9466393649' is not a nine-digit SSN (masked or cut short)"),
    },
    ("base", "impendjcs-edi-834-validator__test_valid-834.edi"): {
        "RULE-BGN-ACTION-MISMATCH": (1, "BGN08=2 contradicts the members' INS03"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NO-ADDRESS": (1, "subscriber without N3/N4"),
    },
    ("base", "indice-edinet-fork__x12.834_BOM-NBSP-in-ISA_BAD-SE-count.edi"): {
        "RULE-SSN-FORMAT": (2, "NM109 '123456' is not a nine-digit SSN (masked or cut short)"),
    },
    ("base", "indice-edinet-fork__x12.834_double-BOM_BAD-SE-count.edi"): {
        "RULE-SSN-FORMAT": (2, "NM109 '123456' is not a nine-digit SSN (masked or cut short)"),
    },
    ("base", "linuxforhealth-x12__hist_X307-enroll-individuals-qhp-exchange.copy.edi"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "linuxforhealth-x12__hist_X307-shop-enrollment-qhp-exchange.edi"): {
        "RULE-DATE-BEFORE-ELIGIBILITY": (
            1,
            "DTP*356 has the year 3024 (typo) while coverage begins 20140101",
        ),
        "RULE-ID-SSN-SHARED": (1, "SSN 888777999 on two people with different birth dates"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=01, not 18"),
    },
    ("base", "linuxforhealth-x12__hist_demo_mixed-newlines.834"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "linuxforhealth-x12__terminate-subscriber-eligibility.834"): {
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=19, not 18"),
    },
    ("base", "nididpi-x12-parser__834sample"): {
        "RULE-DEP-REF0F-DIFFERS": (
            1,
            "dependent inside a family whose subscriber has another REF*0F than 056090001",
        ),
    },
    ("base", "oopfactory-x12parser__5010_Dhcs_Example2.txt"): {
        "RULE-DATE-INVALID": (1, "'D8' is not a CCYYMMDD date"),
    },
    ("base", "openx12__834.txt"): {
        "RULE-DEP-REF0F-DIFFERS": (
            1,
            "dependent inside a family whose subscriber has another REF*0F than 056090001",
        ),
    },
    ("base", "openx12__Sample834_BROKEN-ENVELOPE.txt"): {
        "RULE-DATE-INVALID": (1, "'19690101 ' is not a CCYYMMDD date"),
    },
    ("base", "pyx12__834_deident_family.txt"): {
        "RULE-ADD-NO-COVERAGE": (2, "addition without any HD loop"),
        "RULE-DEP-REF0F-DIFFERS": (
            2,
            "dependent inside a family whose subscriber has another REF*0F than M000003",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            3,
            "SSN 000000002 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__834_deident_new_enroll.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 000000001 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__834_deident_term.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            2,
            "SSN 000000010 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__834_ls_le_ls.txt"): {
        "RULE-NAME-CHARACTERS": (2, "placeholder name 'SUBSCRIBER LAST 1' with a digit"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 544001234 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__example834_5010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__hist_834_ls_le_ls_BAD-ISA-WIDTH.txt"): {
        "RULE-NAME-CHARACTERS": (2, "placeholder name 'SUBSCRIBER LAST 1' with a digit"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 544001234 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__multiple_st_loops.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            4,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__x12testdata_834_eol_in_element_INVALID.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__x12testdata_834_lui_id_4010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "pyx12__x12testdata_834_lui_id_5010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    (
        "base",
        "stupidedi__X307_enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange.edi",
    ): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    (
        "base",
        "stupidedi__X307_shop-enrollment-in-qualified-health-plan-through-health-insurance-exchange.edi",
    ): {
        "RULE-DATE-BEFORE-ELIGIBILITY": (
            1,
            "DTP*356 has the year 3024 (typo) while coverage begins 20140101",
        ),
        "RULE-ID-SSN-SHARED": (1, "SSN 888777999 on two people with different birth dates"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=01, not 18"),
    },
    ("base", "tigershark__834-example.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "x12-types__parse_834_2_emedny-MCE834Sample_2.txt"): {
        "RULE-NAME-CHARACTERS": (14, "placeholder name 'SUBSCRIBER 1 LAST NAME' with a digit"),
        "RULE-PHONE-NUMBER": (
            7,
            "phone 9999991111 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            8,
            "SSN 999999991 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "x12-types__parse_834_3_emedny-MCE834Sample_verification.txt"): {
        "RULE-NAME-CHARACTERS": (6, "placeholder name 'SUBSCRIBER 6 LAST NAME' with a digit"),
        "RULE-PHONE-NUMBER": (
            3,
            "phone 9999996666 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            3,
            "SSN 999999996 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("base", "x12-types__parse_834_4_vba-companion-guide_BAD-ISA-WIDTH.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            2,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "edi834-generator-ambicuity__sample_output_834.edi"): {
        "RULE-BGN-ACTION-MISMATCH": (1, "BGN08=4 contradicts the members' INS03"),
    },
    ("ffe", "fastchickenshr-edi__golden_builder-single-minimal-member.834"): {
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("ffe", "fastchickenshr-edi__golden_builder-three-minimal-members.834"): {
        "RULE-SUB-NOT-SELF": (3, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("ffe", "fastchickenshr-edi__golden_member-2100a-tail.834"): {
        "RULE-PHONE-NUMBER": (
            1,
            "phone 5551234567 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
    },
    ("ffe", "fastchickenshr-edi__golden_subscriber-with-dependent.834"): {
        "RULE-SUB-NOT-SELF": (2, "subscriber (INS01=Y) with INS02=20, not 18"),
    },
    ("ffe", "gunajii-edi-parser-validator__sample_834.edi"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "hccinfhir__sample_834_01.txt"): {
        "RULE-BIRTH-TOO-OLD": (
            5,
            "birth date 19000101 is more than 120 years before the file date",
        ),
        "RULE-ID-COVERAGE-OVERLAP": (
            3,
            "two HLT plans from one date, both open: a second plan at once (real under an exchange profile)",
        ),
        "RULE-NAME-CHARACTERS": (10, "placeholder name 'TESTLAST01' with a digit"),
        "RULE-ZIP-ZERO": (5, "placeholder ZIP 00000"),
    },
    ("ffe", "hccinfhir__sample_834_02.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '10;401;;;;;;' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("ffe", "hccinfhir__sample_834_03.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '60;401;80;401;;;;' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("ffe", "hccinfhir__sample_834_04.txt"): {
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '16;401;80;401;;;;' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("ffe", "hccinfhir__sample_834_05.txt"): {
        "RULE-DATE-END-BEFORE-BEGIN": (1, "benefit end 20250930 before its begin date"),
        "RULE-DATE-INVALID": (1, "'randomDoB' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '17;501;2K;691;;;;' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
        "RULE-PHONE-FORMAT": (1, "placeholder phone 'randomPhone', not 10 digits"),
    },
    ("ffe", "hccinfhir__sample_834_06.txt"): {
        "RULE-DATE-END-BEFORE-BEGIN": (1, "benefit end 20250131 before its begin date"),
        "RULE-DATE-INVALID": (2, "'randomDoB1' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            3,
            "Medi-Cal aid codes '60;001;80;891;;;;' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
        "RULE-NAME-CHARACTERS": (4, "placeholder name 'randomLName1' with a digit"),
        "RULE-PHONE-FORMAT": (2, "placeholder phone 'randomPhone1', not 10 digits"),
    },
    ("ffe", "healthsim__enrollment-834.edi"): {
        "RULE-DEP-REF0F-DIFFERS": (
            4,
            "dependent inside a family whose subscriber has another REF*0F than AET847291002",
        ),
        "RULE-SSN-FORMAT": (5, "NM109 'XXX-XX-4521' is not a nine-digit SSN (masked or cut short)"),
    },
    ("ffe", "healthsim__pcp-change-834.edi"): {
        "RULE-DEP-REF0F-DIFFERS": (
            4,
            "dependent inside a family whose subscriber has another REF*0F than AET847291002",
        ),
        "RULE-SSN-FORMAT": (5, "NM109 'XXX-XX-4521' is not a nine-digit SSN (masked or cut short)"),
    },
    ("ffe", "impendjcs-edi-834-validator__data_valid-834.edi"): {
        "RULE-DATE-INVALID": (1, "'20230101~' is not a CCYYMMDD date"),
        "RULE-SUB-NO-ADDRESS": (1, "subscriber without N3/N4"),
    },
    ("ffe", "impendjcs-edi-834-validator__sample-834Dental.edi"): {
        "RULE-DEP-NO-SUBSCRIBER": (
            1,
            "a full-replacement file (BGN08 RX, INS03 030) lists every member, yet the spouse's "
            "subscriber 312522809 is not in it",
        ),
        "RULE-SSN-FORMAT": (1, "NM109 '9466393649' is not a nine-digit SSN (masked or cut short)"),
    },
    ("ffe", "impendjcs-edi-834-validator__test_valid-834.edi"): {
        "RULE-BGN-ACTION-MISMATCH": (1, "BGN08=2 contradicts the members' INS03"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NO-ADDRESS": (1, "subscriber without N3/N4"),
    },
    ("ffe", "indice-edinet-fork__x12.834_BOM-NBSP-in-ISA_BAD-SE-count.edi"): {
        "RULE-SSN-FORMAT": (2, "NM109 '123456' is not a nine-digit SSN (masked or cut short)"),
    },
    ("ffe", "indice-edinet-fork__x12.834_double-BOM_BAD-SE-count.edi"): {
        "RULE-SSN-FORMAT": (2, "NM109 '123456' is not a nine-digit SSN (masked or cut short)"),
    },
    ("ffe", "linuxforhealth-x12__hist_X307-enroll-individuals-qhp-exchange.copy.edi"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "linuxforhealth-x12__hist_X307-shop-enrollment-qhp-exchange.edi"): {
        "RULE-DATE-BEFORE-ELIGIBILITY": (
            1,
            "DTP*356 has the year 3024 (typo) while coverage begins 20140101",
        ),
        "RULE-ID-SSN-SHARED": (1, "SSN 888777999 on two people with different birth dates"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=01, not 18"),
    },
    ("ffe", "linuxforhealth-x12__hist_demo_mixed-newlines.834"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "linuxforhealth-x12__terminate-subscriber-eligibility.834"): {
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=19, not 18"),
    },
    ("ffe", "nididpi-x12-parser__834sample"): {
        "RULE-DEP-REF0F-DIFFERS": (
            1,
            "dependent inside a family whose subscriber has another REF*0F than 056090001",
        ),
    },
    ("ffe", "oopfactory-x12parser__5010_Dhcs_Example1.txt"): {
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '3N;101' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
    },
    ("ffe", "oopfactory-x12parser__5010_Dhcs_Example2.txt"): {
        "RULE-DATE-INVALID": (1, "'D8' is not a CCYYMMDD date"),
        "RULE-FFE-PLAN-ID-FORM": (
            1,
            "Medi-Cal aid codes '3N;101' in REF*CE are no QHP plan id (real under the FFE profile)",
        ),
    },
    ("ffe", "openx12__834.txt"): {
        "RULE-DEP-REF0F-DIFFERS": (
            1,
            "dependent inside a family whose subscriber has another REF*0F than 056090001",
        ),
    },
    ("ffe", "openx12__Sample834_BROKEN-ENVELOPE.txt"): {
        "RULE-DATE-INVALID": (1, "'19690101 ' is not a CCYYMMDD date"),
    },
    ("ffe", "pyx12__834_deident_family.txt"): {
        "RULE-ADD-NO-COVERAGE": (2, "addition without any HD loop"),
        "RULE-DEP-REF0F-DIFFERS": (
            2,
            "dependent inside a family whose subscriber has another REF*0F than M000003",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            3,
            "SSN 000000002 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__834_deident_new_enroll.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 000000001 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__834_deident_term.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            2,
            "SSN 000000010 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__834_ls_le_ls.txt"): {
        "RULE-NAME-CHARACTERS": (2, "placeholder name 'SUBSCRIBER LAST 1' with a digit"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 544001234 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__example834_5010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__hist_834_ls_le_ls_BAD-ISA-WIDTH.txt"): {
        "RULE-NAME-CHARACTERS": (2, "placeholder name 'SUBSCRIBER LAST 1' with a digit"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 544001234 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__multiple_st_loops.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            4,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__x12testdata_834_eol_in_element_INVALID.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__x12testdata_834_lui_id_4010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "pyx12__x12testdata_834_lui_id_5010.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    (
        "ffe",
        "stupidedi__X307_enroll-individuals-in-qualified-health-plan-through-health-insurance-exchange.edi",
    ): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    (
        "ffe",
        "stupidedi__X307_shop-enrollment-in-qualified-health-plan-through-health-insurance-exchange.edi",
    ): {
        "RULE-DATE-BEFORE-ELIGIBILITY": (
            1,
            "DTP*356 has the year 3024 (typo) while coverage begins 20140101",
        ),
        "RULE-ID-SSN-SHARED": (1, "SSN 888777999 on two people with different birth dates"),
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999888777 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
        "RULE-SUB-NOT-SELF": (1, "subscriber (INS01=Y) with INS02=01, not 18"),
    },
    ("ffe", "tigershark__834-example.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            1,
            "SSN 999999999 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "x12-types__parse_834_2_emedny-MCE834Sample_2.txt"): {
        "RULE-FFE-ADDL-MAINT-REASON": (
            5,
            "eMedNY CANCEL/TERM without INS04 or with INS04 03, where the FFE guide's Appendix C "
            "wants 59 or 14 (real under an exchange profile)",
        ),
        "RULE-FAM-MINOR-NO-RESPONSIBLE": (
            2,
            "Medicaid minor subscriber without a 2100G responsible person (real under an exchange profile)",
        ),
        "RULE-FFE-CATEGORY-REPEATED": (1, "a 2750 reporting category sent twice"),
        "RULE-NAME-CHARACTERS": (14, "placeholder name 'SUBSCRIBER 1 LAST NAME' with a digit"),
        "RULE-PHONE-NUMBER": (
            7,
            "phone 9999991111 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            8,
            "SSN 999999991 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "x12-types__parse_834_3_emedny-MCE834Sample_verification.txt"): {
        "RULE-FAM-MINOR-NO-RESPONSIBLE": (
            1,
            "Medicaid minor subscriber without a 2100G responsible person (real under an exchange profile)",
        ),
        "RULE-NAME-CHARACTERS": (6, "placeholder name 'SUBSCRIBER 6 LAST NAME' with a digit"),
        "RULE-PHONE-NUMBER": (
            3,
            "phone 9999996666 cannot be dialled (exchange starting with 1, or reserved area 999)",
        ),
        "RULE-SSN-IMPOSSIBLE": (
            3,
            "SSN 999999996 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
    ("ffe", "x12-types__parse_834_4_vba-companion-guide_BAD-ISA-WIDTH.txt"): {
        "RULE-SSN-IMPOSSIBLE": (
            2,
            "SSN 987654321 is never issued (area 000, 666 or 9xx, or group 00): a placeholder",
        ),
    },
}


def _observed(profile: str) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for path in sample_files():
        try:
            doc = load_store(read_bytes(path.read_bytes()))
        except Exception:  # not an 834 the tables can hold: the loader's tests cover it
            continue
        codes = Counter(f.code for f in run_rules(doc, [load_profile(profile)], "20250601"))
        if codes:
            found[path.name] = codes
    return found


@pytest.mark.parametrize("profile", ["base", "ffe"])
def test_rule_codes_per_public_sample_match_the_reviewed_snapshot(profile):
    observed = {name: dict(sorted(codes.items())) for name, codes in _observed(profile).items()}
    expected = {
        name: {code: n for code, (n, _why) in codes.items()}
        for (p, name), codes in SNAPSHOT.items()
        if p == profile
    }
    assert observed == expected


def test_every_snapshot_entry_says_why_it_is_real():
    for key, codes in SNAPSHOT.items():
        for code, (n, why) in codes.items():
            assert n > 0 and len(why) > 15, (key, code)
