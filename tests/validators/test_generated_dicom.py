"""Files from the synthetic DICOM generator (src/synth/dicom) checked by three
independent implementations: dcmtk's dcmdump, pydicom and dicom3tools'
dciodvfy (which checks every module and attribute against the IOD).

100 seeds per modality in Explicit VR Little Endian, and a few seeds in each
of the three transfer syntaxes. The files come from the example program
examples/dicom_generate.rs, run with cargo (built once, then reused). cargo,
dcmdump and dciodvfy are required: without them the tests fail rather than
skip.
"""

import concurrent.futures
import functools
import json
import os
import pathlib
import re
import subprocess
import tempfile
import warnings

import numpy
import pydicom
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = 100
WORKERS = max(2, os.cpu_count() or 2)
TMP = tempfile.TemporaryDirectory(prefix="generated-dicom-")

MODALITIES = ["CT", "MR", "CR", "DX", "US", "MG"]
SYNTAXES = {
    "explicit-le": "1.2.840.10008.1.2.1",
    "implicit-le": "1.2.840.10008.1.2",
    "explicit-be": "1.2.840.10008.1.2.2",
}
# (rows, columns, samples per pixel, numpy dtype kind and size) as the module
# documentation of src/synth/dicom promises.
PIXELS = {
    "CT": (128, 128, "i", 2),
    "MR": (128, 128, "u", 2),
    "CR": (160, 128, "u", 2),
    "DX": (160, 160, "u", 2),
    "US": (120, 160, "u", 1),
    "MG": (160, 128, "u", 2),
}
SOP_CLASSES = {
    "CT": "1.2.840.10008.5.1.4.1.1.2",
    "MR": "1.2.840.10008.5.1.4.1.1.4",
    "CR": "1.2.840.10008.5.1.4.1.1.1",
    "DX": "1.2.840.10008.5.1.4.1.1.1.1",
    "US": "1.2.840.10008.5.1.4.1.1.6.1",
    "MG": "1.2.840.10008.5.1.4.1.1.1.2",
}
# The one dciodvfy warning the files are allowed: the trust's local
# procedure coding scheme ("99" + facility code, a private designator as
# PS3.16 section 8 allows and as the Coding Scheme Identification Sequence
# declares) is not in dciodvfy's list of registered designators.
ALLOWED_WARNING = re.compile(
    r"^Warning - Unrecognized defined term <99[A-Z]{3}> for value 1 of attribute "
    r"<Coding Scheme Designator>$"
)


@functools.lru_cache(maxsize=None)
def generated(modality, syntax="explicit-le", seeds=SEEDS):
    """Runs the example once per argument set; returns one dict per file."""
    out = pathlib.Path(TMP.name) / f"{modality}-{syntax}-{seeds}"
    proc = subprocess.run(
        # --features ssr: the build `cargo test --features ssr` made.
        ["cargo", "run", "--quiet", "--features", "ssr", "--example", "dicom_generate", "--",
         "--modality", modality, "--seed", "1", "--count", str(seeds), "--out", str(out),
         "--transfer-syntax", syntax],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    files = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert files, proc.stderr
    assert {f["seed"] for f in files} == set(range(1, seeds + 1))
    return files


def run_all(command, files):
    """`command + [path]` for every file, in parallel; (file, result) pairs."""
    def one(f):
        return f, subprocess.run(command + [f["path"]], capture_output=True, text=True)
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(one, files))


def check_dcmdump(files):
    failures = []
    for f, r in run_all(["dcmdump"], files):
        bad = [l for l in r.stderr.splitlines() if l.startswith(("W:", "E:", "F:"))]
        if r.returncode != 0 or bad:
            failures.append(f"{f['path']}: exit {r.returncode}\n" + "\n".join(bad or [r.stderr]))
    assert not failures, f"{len(failures)} of {len(files)} files; first:\n{failures[0]}"


def check_dciodvfy(files):
    failures = []
    for f, r in run_all(["dciodvfy"], files):
        lines = (r.stdout + r.stderr).splitlines()
        problems = [
            l for l in lines
            if l.startswith(("Error", "Warning")) and not ALLOWED_WARNING.match(l)
        ]
        if problems:
            failures.append(f"{f['path']}:\n" + "\n".join(problems))
    assert not failures, f"{len(failures)} of {len(files)} files; first:\n{failures[0]}"


def check_pydicom(files, syntax_uid):
    for f in files:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ds = pydicom.dcmread(f["path"])
            pixels = ds.pixel_array
        where = f["path"]
        assert ds.file_meta.TransferSyntaxUID == syntax_uid, where
        assert ds.file_meta.MediaStorageSOPClassUID == SOP_CLASSES[f["modality"]], where
        assert ds.file_meta.MediaStorageSOPInstanceUID == f["sop_instance_uid"], where
        assert ds.SOPClassUID == SOP_CLASSES[f["modality"]], where
        assert ds.SOPInstanceUID == f["sop_instance_uid"], where
        assert ds.SeriesInstanceUID == f["series_instance_uid"], where
        assert ds.StudyInstanceUID == f["study_instance_uid"], where
        assert ds.PatientID == f["patient_id"], where
        assert ds.AccessionNumber == f["accession_number"], where
        assert ds.Modality == f["modality"], where
        rows, cols, kind, size = PIXELS[f["modality"]]
        assert (ds.Rows, ds.Columns, ds.SamplesPerPixel) == (rows, cols, 1), where
        assert ds.PhotometricInterpretation == "MONOCHROME2", where
        assert pixels.shape == (rows, cols), where
        assert (pixels.dtype.kind, pixels.dtype.itemsize) == (kind, size), where
        assert ds.HighBit == ds.BitsStored - 1 and ds.BitsAllocated == 8 * size, where
        assert int(pixels.max()) < 2 ** ds.BitsStored, where
        assert int(numpy.ptp(pixels)) > 0, f"{where}: a blank image"
        for uid in (ds.SOPInstanceUID, ds.SeriesInstanceUID, ds.StudyInstanceUID):
            assert uid.startswith("2.25.") and len(uid) <= 64, uid
            assert uid.is_valid, uid
        if f["modality"] == "CT":
            assert (ds.RescaleIntercept, ds.RescaleSlope) == (-1024, 1), where
            hu = pixels.astype(int) + int(ds.RescaleIntercept)
            assert hu.min() < -900 and hu.max() > 400, f"{where}: air and bone"
        if f["modality"] in ("CT", "MR"):
            assert len(ds.ImagePositionPatient) == 3, where
            assert float(ds.ImagePositionPatient[2]) == float(ds.SliceLocation), where


def test_pydicom_numpy_available():
    assert pydicom.__version__.startswith("3.")
    assert numpy.__version__


@pytest.mark.parametrize("modality", MODALITIES)
def test_dcmdump_reads_every_file_without_warnings(modality):
    check_dcmdump(generated(modality))


@pytest.mark.parametrize("modality", MODALITIES)
def test_pydicom_reads_expected_values_and_pixels(modality):
    files = generated(modality)
    check_pydicom(files, SYNTAXES["explicit-le"])
    # Unique SOP Instance UIDs over all seeds; one study per seed.
    assert len({f["sop_instance_uid"] for f in files}) == len(files)
    assert len({f["study_instance_uid"] for f in files}) == SEEDS


@pytest.mark.parametrize("modality", MODALITIES)
def test_dciodvfy_finds_no_errors(modality):
    check_dciodvfy(generated(modality))


@pytest.mark.parametrize("syntax", list(SYNTAXES))
@pytest.mark.parametrize("modality", MODALITIES)
def test_every_transfer_syntax(modality, syntax):
    files = generated(modality, syntax, 3)
    check_dcmdump(files)
    check_pydicom(files, SYNTAXES[syntax])
    check_dciodvfy(files)
    # The same seeds give the same data set in every syntax.
    le = {f["sop_instance_uid"]: f for f in generated(modality, "explicit-le", 3)}
    for f in files:
        a = pydicom.dcmread(f["path"])
        b = pydicom.dcmread(le[f["sop_instance_uid"]]["path"])
        assert a.PatientName == b.PatientName and a.StudyDate == b.StudyDate
        assert (a.pixel_array == b.pixel_array).all(), f["path"]
