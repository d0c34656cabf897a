"""The DICOM reader (src/dicom/read.rs) agrees with pydicom, an independent
implementation, on the real files pydicom's wheel ships under
pydicom/data/test_files/: same elements in the same order, same tags, VRs
and values, nested sequence items included, and the same pixel data
fragments.

Our side comes from the example program examples/dicom_read_json.rs, run
once with cargo for all files (or the binary named by DICOM_READ_JSON, for
quick iteration). cargo is required: without it the tests fail rather than
skip.

Files our reader is expected to stop on (deflated, truncated, corrupt) are
listed in EXPECTED_ERRORS; for those the test asserts a clear error with an
offset inside the file, and that everything read before it still agrees
with pydicom.

Known, deliberate differences (each is checked, not skipped):
- Private elements in implicit VR files: we have no private dictionary, so
  they are UN (private creators LO, per PS3.5 section 7.8.1); pydicom looks
  them up in its private dictionary. For these only the byte length of the
  value is compared.
- pydicom's `replace_un_with_known_vr` is switched off, so both sides keep
  an explicit UN as written.
- pydicom trims padding from the end of a whole text value only; we trim
  each of its values as PS3.5 section 6.2 allows (trailing spaces and NULs,
  and leading spaces for AE, CS, DS, IS, LO and SH). The same trimming is
  applied to pydicom's values before comparing.
- An explicit UN of undefined length holds a sequence in implicit VR little
  endian (PS3.5 section 6.2.2): we read its items and keep the VR UN as
  written; pydicom reports SQ. Items are compared as for SQ.
"""

import functools
import json
import math
import os
import pathlib
import struct
import subprocess
import warnings

import pydicom
import pytest
from pydicom.encaps import generate_fragments
from pydicom.multival import MultiValue

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEST_FILES = pathlib.Path(pydicom.__file__).parent / "data" / "test_files"

# Listed by name, not found with get_testdata_files() (it tries the network).
FILES = sorted(
    [p for p in TEST_FILES.glob("*.dcm")]
    + [p for p in (TEST_FILES / "dicomdirtests").glob("DICOMDIR*")]
)

# file name -> words the error message must contain.
EXPECTED_ERRORS = {
    # Deflated Explicit VR Little Endian: no zlib in the reader by design.
    "image_dfl.dcm": "deflated",
    # Pixel Data cut short.
    "MR_truncated.dcm": "value length 8192 runs past the end of the input",
    # A sequence cut short.
    "rtplan_truncated.dcm": "runs past the end of the input",
    # The last directory record is cut short (24 bytes missing).
    "DICOMDIR-nooffset": "item length 248 runs past the end of the input",
    # One stray byte (20H) before the first element: every tag is misaligned.
    # pydicom reads one garbage element (0820,0500) of 173 MB from it.
    "no_meta.dcm": "runs past the end of the input",
}

BINARY_WORDS = {"OW": ("H", 2), "OL": ("L", 4), "OV": ("Q", 8), "OF": ("f", 4), "OD": ("d", 8)}
MAX_NUMBERS = 1024  # src/dicom/value.rs


@functools.lru_cache(maxsize=None)
def ours():
    """Our reading of every file: file name -> the JSON the example prints."""
    # DICOM_READ_JSON may name an already built binary of the example.
    command = (
        [os.environ["DICOM_READ_JSON"]] if os.environ.get("DICOM_READ_JSON")
        else ["cargo", "run", "--quiet", "--features", "ssr", "--example", "dicom_read_json", "--"]
    )
    out = subprocess.run(
        command + [str(p) for p in FILES],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    result = {}
    for line in out.splitlines():
        d = json.loads(line)
        result[pathlib.Path(d["file"]).name] = d
    assert len(result) == len(FILES)
    return result


def theirs(path):
    pydicom.config.replace_un_with_known_vr = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(str(path), force=True, defer_size=None)


def tag_hex(tag):
    return f"{tag.group:04X}{tag.element:04X}"


def text_values(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, MultiValue)):
        return [str(v) if v is not None else "" for v in value]
    return [str(value)]


def expected_value(elem, little_endian, implicit_private):
    """pydicom's value in the shape dicom_read_json prints."""
    vr = elem.VR
    value = elem.value
    if implicit_private and vr != "SQ":
        raw = value if isinstance(value, bytes) else None
        return {"private_bytes": None if raw is None else len(raw)}
    if vr == "SQ":
        return {"items": [dataset_elements(item, little_endian, implicit_private) for item in value]}
    if elem.tag == 0x7FE00010 and elem.is_undefined_length:
        return {"fragments": [len(f) for f in generate_fragments(value)]}
    if vr in ("OB", "UN") or elem.tag in (0x7FE00010, 0x7FE00008, 0x7FE00009):
        return {"bytes": len(value)} if value else []
    if vr in BINARY_WORDS:
        if not value:
            return []
        code, size = BINARY_WORDS[vr]
        order = "<" if little_endian else ">"
        n = len(value) // size
        nums = list(struct.unpack(f"{order}{min(n, MAX_NUMBERS)}{code}", value[: min(n, MAX_NUMBERS) * size]))
        return {"numbers": nums, "total": n}
    if vr in ("US", "SS", "UL", "SL", "UV", "SV", "FL", "FD"):
        if value is None or value == b"" or value == []:
            return []
        vals = list(value) if isinstance(value, (list, MultiValue)) else [value]
        return {"numbers": vals, "total": len(vals)}
    if vr == "AT":
        vals = list(value) if isinstance(value, (list, MultiValue)) else ([] if value is None else [value])
        return [f"{int(v):08X}" for v in vals]
    lead = vr in ("AE", "CS", "DS", "IS", "LO", "SH")
    return [v.rstrip(" \0").lstrip(" ") if lead else v.rstrip(" \0") for v in text_values(value)]


def dataset_elements(ds, little_endian, implicit, top=False):
    out = []
    for elem in ds:
        private_implicit = implicit and elem.tag.is_private and not elem.tag.is_private_creator
        out.append({
            "tag": tag_hex(elem.tag),
            "vr": None if private_implicit else elem.VR,
            "value": expected_value(elem, little_endian, private_implicit),
        })
    return out


def normalise_ours(elements, implicit):
    """Our JSON, with the same allowances as `dataset_elements`."""
    out = []
    for el in elements:
        tag = int(el["tag"], 16)
        group, element = tag >> 16, tag & 0xFFFF
        # pydicom calls every odd group private (PS3.5 7.8.1 leaves out
        # 0001, 0003, 0005, 0007, which must not be used at all).
        private = group % 2 == 1
        creator = private and 0x10 <= element <= 0xFF
        value = el["value"]
        vr = el["vr"]
        private_implicit = implicit and private and not creator
        if isinstance(value, dict) and "items" in value:
            value = {"items": [normalise_ours(i, implicit) for i in value["items"]]}
            if vr == "UN":
                # UN of undefined length (PS3.5 6.2.2): we keep the VR as
                # written and read the items; pydicom calls it SQ.
                vr = "SQ"
        elif private_implicit:
            value = {"private_bytes": value.get("bytes") if isinstance(value, dict) else 0}
        out.append({"tag": el["tag"], "vr": None if private_implicit else vr, "value": value})
    return out


def same(a, b, where="dataset"):
    """Compares element lists; returns a list of differences."""
    diffs = []
    if len(a) != len(b):
        diffs.append(f"{where}: {len(a)} elements (ours) vs {len(b)} (pydicom); "
                     f"tags ours {[e['tag'] for e in a][:60]} vs {[e['tag'] for e in b][:60]}")
    for x, y in zip(a, b):
        at = f"{where}/{x['tag']}"
        if x["tag"] != y["tag"]:
            diffs.append(f"{at}: tag {x['tag']} vs {y['tag']}")
            break
        if x["vr"] != y["vr"]:
            diffs.append(f"{at}: VR {x['vr']} vs {y['vr']}")
        xv, yv = x["value"], y["value"]
        if isinstance(xv, dict) and "items" in xv and isinstance(yv, dict) and "items" in yv:
            if len(xv["items"]) != len(yv["items"]):
                diffs.append(f"{at}: {len(xv['items'])} items vs {len(yv['items'])}")
            for n, (i, j) in enumerate(zip(xv["items"], yv["items"])):
                diffs.extend(same(i, j, f"{at}[{n}]"))
        elif not equal_values(xv, yv):
            diffs.append(f"{at} {x['vr']}: {str(xv)[:200]} vs {str(yv)[:200]}")
    return diffs


def equal_values(x, y):
    if isinstance(x, dict) and isinstance(y, dict) and "numbers" in x and "numbers" in y:
        if x["total"] != y["total"] or len(x["numbers"]) != len(y["numbers"]):
            return False
        return all(close(a, b) for a, b in zip(x["numbers"], y["numbers"]))
    return x == y


def close(a, b):
    if a is None or b is None:  # NaN is printed as null by serde_json
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    if isinstance(a, float) or isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-6)
    return a == b


def compare(path):
    mine = ours()[path.name]
    ds = theirs(path)
    implicit, little = ds.original_encoding
    little = little if little is not None else True
    diffs = []
    meta_theirs = dataset_elements(ds.file_meta, True, False) if ds.file_meta else []
    diffs += same(normalise_ours(mine["meta"], False), meta_theirs, "meta")
    ours_implicit = mine["transfer_syntax"] == "1.2.840.10008.1.2"
    if bool(implicit) != ours_implicit:
        diffs.append(f"implicit VR: ours {ours_implicit}, pydicom {implicit}")
    diffs += same(normalise_ours(mine["dataset"], ours_implicit), dataset_elements(ds, little, implicit))
    return mine, diffs


READABLE = [p for p in FILES if p.name not in EXPECTED_ERRORS]
FAULTY = [p for p in FILES if p.name in EXPECTED_ERRORS]


def test_every_expected_failure_is_a_shipped_file():
    names = {p.name for p in FILES}
    assert set(EXPECTED_ERRORS) <= names
    assert len(FILES) >= 80, f"only {len(FILES)} test files found under {TEST_FILES}"


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_reader_agrees_with_pydicom(path):
    mine, diffs = compare(path)
    assert mine["error"] is None, mine["error"]
    assert not diffs, "\n".join(diffs[:30])


@pytest.mark.parametrize("path", FAULTY, ids=lambda p: p.name)
def test_reader_reports_a_clear_error(path):
    mine = ours()[path.name]
    err = mine["error"]
    assert err is not None, "expected the reader to stop with an error"
    assert 0 <= err["offset"] <= path.stat().st_size
    assert EXPECTED_ERRORS[path.name] in err["message"], err["message"]
    assert err["display"].startswith(f"offset 0x{err['offset']:08X} ({err['offset']}): ")
    if path.name == "image_dfl.dcm":
        # The meta group is still shown, and agrees with pydicom.
        ds = theirs(path)
        assert mine["meta"], "meta group missing"
        assert not same(normalise_ours(mine["meta"], False), dataset_elements(ds.file_meta, True, False), "meta")
        assert mine["dataset"] == []
    elif path.name != "no_meta.dcm":
        # What was read before the fault agrees with pydicom's reading of
        # the same elements, except the last (partly read) one.
        ds = theirs(path)
        implicit, little = ds.original_encoding
        ours_list = normalise_ours(mine["dataset"], implicit)[:-1]
        their_list = dataset_elements(ds, little, implicit)[: len(ours_list)]
        assert ours_list, "nothing read before the fault"
        diffs = same(ours_list, their_list)
        assert not diffs, "\n".join(diffs[:30])


def test_summary(capsys):
    agreeing = [p.name for p in READABLE if not compare(p)[1] and ours()[p.name]["error"] is None]
    with capsys.disabled():
        print(f"\nDICOM reader vs pydicom {pydicom.__version__}: {len(agreeing)} of {len(READABLE)} "
              f"readable files agree; {len(FAULTY)} faulty files give a clear error")
    assert len(agreeing) == len(READABLE)
