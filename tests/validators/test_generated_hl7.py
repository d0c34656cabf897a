"""Messages from the synthetic HL7 generator (src/synth) are valid according
to hl7apy, an independent HL7 v2 implementation, at strict validation: 200
seeds for every event.

The messages come from the example program examples/hl7_generate.rs, run
with cargo (built once, then reused). cargo is required: without it the
tests fail rather than skip.
"""

import functools
import os
import pathlib
import subprocess
import tempfile

import pytest
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message
from hl7apy.validation import Validator

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = 200

# (event argument, MSH-9 expected)
EVENTS = [
    ("ADT^A01", "ADT^A01^ADT_A01"),
    ("ADT^A02", "ADT^A02^ADT_A02"),
    ("ADT^A03", "ADT^A03^ADT_A03"),
    ("ADT^A04", "ADT^A04^ADT_A01"),
    ("ADT^A08", "ADT^A08^ADT_A01"),
    ("ADT^A11", "ADT^A11^ADT_A09"),
    ("ADT^A40", "ADT^A40^ADT_A39"),
    ("ORM^O01", "ORM^O01^ORM_O01"),
    ("OMI^O23", "OMI^O23^OMI_O23"),
    ("ORU^R01", "ORU^R01^ORU_R01"),
    ("SIU^S12", "SIU^S12^SIU_S12"),
    ("ACK^AA", "ACK^A01^ACK"),
    ("ACK^AE", "ACK^A01^ACK"),
    ("ACK^AR", "ACK^A01^ACK"),
]

# In ORM^O01 the HL7 standard makes OBR|RQD|RQ1|RXO|ODS|ODT a choice (one of
# them); hl7apy 1.3.5 models it as a sequence and demands all six. Only that
# known false alarm is excused, and only when the OBR choice is present (as
# in tests/validators/test_content_hl7.py).
CHOICE_GROUP = "ORM_O01_OBRRQDRQ1RXOODSODT_SUPPGRP"


@functools.lru_cache(maxsize=None)
def generated(event):
    """The ER7 texts (CR separated) printed for `event`, seeds 1..200."""
    out = subprocess.run(
        # --features ssr: the same build `cargo test --features ssr` made, so
        # nothing is compiled again.
        ["cargo", "run", "--quiet", "--features", "ssr", "--example", "hl7_generate", "--",
         "--event", event, "--seed", "1", "--count", str(SEEDS)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    messages = [m.strip("\n").replace("\n", "\r") for m in out.split("\n\n") if m.strip()]
    return messages


def validation_errors(msg):
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as report:
        try:
            Validator.validate(msg, report_file=report.name)
            return []
        except Exception:
            text = open(report.name).read()
    errors = [l for l in text.splitlines() if l.startswith("Error:")]
    return errors or [text or "validation failed without a report"]


def real_errors(msg, errors):
    if msg.msh.msh_9.to_er7().startswith("ORM^O01"):
        excused = [e for e in errors if CHOICE_GROUP in e and "Missing required child" in e]
        if excused:
            assert "\rOBR|" in msg.to_er7(), "ORM^O01 order detail must carry an OBR"
        return [e for e in errors if e not in excused]
    return errors


@pytest.mark.parametrize("event,msh9", EVENTS, ids=[e for e, _ in EVENTS])
def test_generated_messages_validate_strictly(event, msh9):
    messages = generated(event)
    assert len(messages) == SEEDS
    control_ids = set()
    failures = []
    for i, er7 in enumerate(messages):
        msg = parse_message(er7, validation_level=VALIDATION_LEVEL.STRICT, find_groups=True)
        assert msg.msh.msh_9.to_er7() == msh9
        assert msg.msh.msh_11.to_er7() == "P"
        assert msg.msh.msh_12.to_er7() == "2.5.1"
        control_ids.add(msg.msh.msh_10.to_er7())
        errors = real_errors(msg, validation_errors(msg))
        if errors:
            failures.append(f"message {i + 1}:\n" + "\n".join(errors) + "\n" + er7.replace("\r", "\n"))
    assert len(control_ids) == SEEDS, "control IDs must be unique"
    assert not failures, f"{len(failures)} of {SEEDS} invalid; first:\n{failures[0]}"


@pytest.mark.parametrize("event", [e for e, _ in EVENTS if not e.startswith("ACK")])
def test_nhs_numbers_are_valid_test_numbers(event):
    for er7 in generated(event):
        pid = next(s for s in er7.split("\r") if s.startswith("PID|"))
        ids = dict(
            (rep.split("^")[4], rep.split("^")[0]) for rep in pid.split("|")[3].split("~")
        )
        assert set(ids) == {"MR", "NH"}
        nhs = ids["NH"]
        assert len(nhs) == 10 and nhs.startswith("999")
        total = sum(int(d) * w for d, w in zip(nhs[:9], range(10, 1, -1)))
        check = 11 - total % 11
        assert check != 10
        assert int(nhs[9]) == (0 if check == 11 else check)
