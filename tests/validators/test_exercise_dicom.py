"""DICOM exercise material (src/exercise/dicom) checked by pydicom, an
independent DICOM implementation.

The records come from examples/exercise_dicom.rs (built once with cargo,
then reused): decode-element and find-attribute exercises for seeds
0..SEEDS-1 at both difficulties, and the Intermediate transfer-syntax
exercises, each with the answer the key expects.

- decode-element: the highlighted bytes, read alone by pydicom's raw
  element reader, give the key's tag, VR (from the bytes, or for implicit
  VR from pydicom's dictionary), value length and value; the whole data
  set reads without error and holds that element with that value.
- find-attribute (Intermediate, raw bytes): pydicom reads the data set and
  the top-level element has the key's value.
- transfer-syntax (Intermediate): the bytes read as four elements in the
  transfer syntax the key names.
"""

import binascii
import functools
import io
import pathlib
import struct
import subprocess

import pytest
from pydicom.datadict import dictionary_VR
from pydicom.filereader import data_element_generator, read_dataset
from pydicom.tag import Tag

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = 150

SYNTAXES = {
    "1.2.840.10008.1.2": (True, True),
    "1.2.840.10008.1.2.1": (False, True),
    "1.2.840.10008.1.2.2": (False, False),
}


@functools.lru_cache(maxsize=None)
def records():
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--features", "ssr", "--example", "exercise_dicom", "--",
         "--count", str(SEEDS)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return [line.split(" ") for line in out.splitlines() if line.strip()]


def of_kind(kind):
    return [r for r in records() if r[0] == kind]


def tag_of(text):
    group, element = text.split(",")
    return Tag(int(group, 16), int(element, 16))


def read(data, uid):
    implicit, little = SYNTAXES[uid]
    return read_dataset(io.BytesIO(data), implicit, little)


def find(ds, tag):
    """The element with this tag, at the top level or in any item."""
    if tag in ds:
        return ds[tag]
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                found = find(item, tag)
                if found is not None:
                    return found
    return None


def shown(vr, raw, little):
    """A raw value as the exercise expects it typed."""
    if vr == "US":
        return str(struct.unpack("<H" if little else ">H", raw)[0])
    if vr == "UL":
        return str(struct.unpack("<I" if little else ">I", raw)[0])
    if vr in ("OB", "UN"):
        return " ".join(f"{b:02X}" for b in raw)
    return raw.decode("ascii").rstrip(" \x00")


def test_records_cover_both_difficulties_and_every_syntax():
    decode = of_kind("decode")
    assert len(decode) == 2 * SEEDS
    assert {r[3] for r in decode} == set(SYNTAXES)
    assert {r[5] for r in decode} >= {"US", "UL", "UT", "UR", "UN", "OB", "PN", "UI", "DA"}
    assert len(of_kind("find")) == SEEDS
    assert len(of_kind("syntax")) == SEEDS


@pytest.mark.parametrize("index", range(2 * SEEDS))
def test_decode_element_bytes_match_the_key(index):
    _, difficulty, seed, uid, tag, vr, length, start, size, value_hex, data_hex = of_kind("decode")[index]
    data = binascii.unhexlify(data_hex)
    value = binascii.unhexlify(value_hex).decode("utf-8")
    start, size, length = int(start), int(size), int(length)
    implicit, little = SYNTAXES[uid]
    where = f"{difficulty} {seed}"

    # The highlighted bytes alone, read by pydicom's raw element reader.
    raw = list(data_element_generator(io.BytesIO(data[start:start + size]), implicit, little))
    assert len(raw) == 1, where
    elem = raw[0]
    assert elem.tag == tag_of(tag), where
    got_vr = dictionary_VR(elem.tag) if implicit else elem.VR
    assert got_vr == vr, where
    assert elem.length == length == len(elem.value), where
    assert shown(vr, elem.value, little) == value, where

    # The whole data set reads, and pydicom decodes the element the same way.
    ds = read(data, uid)
    full = find(ds, tag_of(tag))
    assert full is not None, where
    if vr in ("US", "UL"):
        assert str(full.value) == value, where
    elif vr in ("OB", "UN"):
        assert " ".join(f"{b:02X}" for b in full.value) == value, where
    else:
        assert str(full.value) == value, where


@pytest.mark.parametrize("index", range(SEEDS))
def test_find_attribute_bytes_hold_the_value(index):
    _, difficulty, seed, uid, tag, value_hex, data_hex = of_kind("find")[index]
    assert difficulty == "intermediate"
    ds = read(binascii.unhexlify(data_hex), uid)
    value = binascii.unhexlify(value_hex).decode("utf-8")
    assert str(ds[tag_of(tag)].value) == value, seed
    # The NHS number sits in a nested Patient ID, not the top-level one.
    nested = ds[0x0010, 0x1002].value[0][0x0010, 0x0020].value
    assert nested != ds[0x0010, 0x0020].value


@pytest.mark.parametrize("index", range(SEEDS))
def test_transfer_syntax_bytes_read_in_the_named_syntax(index):
    _, _, seed, uid, data_hex = of_kind("syntax")[index]
    data = binascii.unhexlify(data_hex)
    ds = read(data, uid)
    assert len(ds) == 4, seed
    assert all(elem.tag.group in (0x0008, 0x0010) for elem in ds), seed
