"""The bad-input corpus: each case builds its files in a work folder and says what the CLI must answer.

Classes (issue 14): output paths, outputs overwriting inputs, geometry lies, garbage voxels,
messages naming the real cause, valid files that must be accepted, and ``info`` (issue 12,
defect 7). Each :class:`BadCase` returns a :class:`Call`: the command line, the exit code,
the words the message must hold (and must not), the files a success creates, and whether it
runs as an unprivileged user.
"""

from __future__ import annotations

import gzip
import json
import math
import os

import numpy as np
import pydicom

from bad_input_kit import (
    DATATYPE, DIM, MAGIC, PIXDIM, VOX_OFFSET, BadCase, Call, Kit, bad_number_of_frames, bare_dataset, edit_dicom, phantom_labels,
)

CASES: list[BadCase] = []
SEED = "--seed-voxel"


def case(case_id: str):
    def register(build):
        CASES.append(BadCase(case_id, build))
        return build
    return register


def pair(kit: Kit) -> tuple[str, str]:
    return str(kit.image()), str(kit.labels())


def report(kit: Kit, output: str, *extra: str) -> list[str]:
    image, labels = pair(kit)
    return ["report", image, "--labels", labels, "-o", output, *extra]


def segment(image: str, output: str, *extra: str) -> list[str]:
    return ["segment", image, "--plugin", "cned-segment-classic", "--segmenter", "liver", SEED, "12,10,5:1", "-o", output, *extra]


def measure(kit: Kit, image: str, labels: str | None = None, *extra: str) -> list[str]:
    return ["measure", image, "--labels", labels or str(kit.labels()), *extra]


# -- 1. output paths ---------------------------------------------------------------------------
OUTPUT_WORDS = {
    "parent_is_file": ("is a file", "not a folder"),
    "missing_folder": ("does not exist", "create it first"),
    "existing_folder": ("is a folder", "file name"),
}


def _bad_output(kit: Kit, kind: str, name: str) -> str:
    if kind == "parent_is_file":
        return str(kit.write("plain.txt", "x") / name)
    if kind == "missing_folder":
        return str(kit.path("no/such/dir") / name)
    return str(kit.folder("outdir"))


def _output_case(command: str, kind: str) -> None:
    def build(kit: Kit) -> Call:
        if command == "score-table":
            table = kit.write("in.csv", "patient_id,lesion_count\nA,3\n")
            argv = ["score-table", str(table), "-o", _bad_output(kit, kind, "out.csv")]
        elif command == "report":
            argv = report(kit, _bad_output(kit, kind, "r.pdf"))
        elif command == "screenshot":
            argv = ["screenshot", *pair(kit)[:1], "--view", "axial", "-o", _bad_output(kit, kind, "s.png")]
        elif command == "segment":
            argv = segment(str(kit.image()), _bad_output(kit, kind, "seg.nii.gz"))
        else:
            image, labels = pair(kit)
            argv = ["export", image, "--labels", labels, "--plugin", "cned-segment-volumetry", "--exporter", "segment-volumetry-csv",
                    "-o", _bad_output(kit, kind, "e.csv")]
        return Call(argv, words=OUTPUT_WORDS[kind])
    case(f"output-{command}-{kind}")(build)


for _command in ("report", "screenshot", "segment", "export", "score-table"):
    for _kind in OUTPUT_WORDS:
        _output_case(_command, _kind)


@case("output-report-unwritable-folder")
def _(kit: Kit) -> Call:
    locked = kit.folder("locked")
    locked.chmod(0o555)
    return Call(report(kit, str(locked / "r.pdf")), words=("permission denied", "locked"), as_nobody=True)


@case("output-score-table-unwritable-folder")
def _(kit: Kit) -> Call:
    locked = kit.folder("locked")
    locked.chmod(0o555)
    table = kit.write("in.csv", "patient_id,lesion_count\nA,3\n")
    return Call(["score-table", str(table), "-o", str(locked / "o.csv")], words=("permission denied",), as_nobody=True)


@case("output-segment-bad-suffix")
def _(kit: Kit) -> Call:
    return Call(segment(str(kit.image()), str(kit.path("seg.txt"))), words=("cannot save labels", ".nii.gz"))


CLINICAL = {"schema_version": 1, "differentiation": "poor", "cea_ng_ml": 250, "node_positive": True}


def _clinical_case(case_id: str, encoding: str | None, code: int, words: tuple[str, ...], raw: bytes | None = None) -> None:
    def build(kit: Kit) -> Call:
        text = json.dumps(CLINICAL)
        data = raw if raw is not None else text.encode(encoding)
        return Call(["score", "--clinical", str(kit.write("c.json", data))], code=code, words=words)
    case(case_id)(build)


_clinical_case("clinical-utf16-bom", "utf-16", 0, ("C-NED",))
_clinical_case("clinical-utf16le-no-bom", "utf-16-le", 0, ("C-NED",))
_clinical_case("clinical-utf16be-no-bom", "utf-16-be", 0, ("C-NED",))
_clinical_case("clinical-utf32-bom", "utf-32", 0, ("C-NED",))
_clinical_case("clinical-utf8-bom", "utf-8-sig", 0, ("C-NED",))
_clinical_case("clinical-latin1", None, 2, ("not utf-8", "c.json", "save it as utf-8"), raw='{"note": "é"}'.encode("latin-1"))
_clinical_case("clinical-binary-garbage", None, 2, ("c.json",), raw=bytes(range(256)) * 4)


@case("clinical-is-a-folder")
def _(kit: Kit) -> Call:
    return Call(["score", "--clinical", str(kit.folder("c.json"))], words=("is a folder",))


@case("clinical-missing")
def _(kit: Kit) -> Call:
    return Call(["score", "--clinical", str(kit.path("nope.json"))], words=("not found", "nope.json"))


@case("clinical-unreadable")
def _(kit: Kit) -> Call:
    path = kit.write("c.json", json.dumps(CLINICAL))
    path.chmod(0o000)
    return Call(["score", "--clinical", str(path)], words=("permission denied", "c.json"), as_nobody=True)


@case("table-utf16")
def _(kit: Kit) -> Call:
    table = kit.write("in.csv", "patient_id,lesion_count\nA,3\n".encode("utf-16"))
    return Call(["score-table", str(table), "-o", str(kit.path("out.csv"))], code=0, creates=("out.csv",))


# -- 2. outputs overwriting inputs ---------------------------------------------------------------
def _overwrite_case(case_id: str, make) -> None:
    case(case_id)(lambda kit: Call(make(kit), words=("would destroy the input", "choose another output")))


_overwrite_case("overwrite-report-labels-by-name", lambda kit: report(kit, str(kit.path("lab.nii.gz"))))
_overwrite_case("overwrite-report-image-by-name", lambda kit: report(kit, str(kit.path("img.nii.gz"))))
_overwrite_case("overwrite-report-labels-other-spelling", lambda kit: report(kit, str(kit.folder("sub") / ".." / "lab.nii.gz")))


def _linked(kit: Kit, kind: str) -> list[str]:
    argv = report(kit, "")
    link = kit.path(f"lab-{kind}.pdf")
    (os.link if kind == "hardlink" else os.symlink)(kit.path("lab.nii.gz"), link)
    argv[-1] = str(link)
    return argv


_overwrite_case("overwrite-report-labels-hardlink", lambda kit: _linked(kit, "hardlink"))
_overwrite_case("overwrite-report-labels-symlink", lambda kit: _linked(kit, "symlink"))
_overwrite_case("overwrite-report-clinical", lambda kit: report(kit, str(kit.write("c.json", json.dumps(CLINICAL))), "--clinical", str(kit.path("c.json"))))
_overwrite_case("overwrite-report-segments", lambda kit: report(kit, str(kit.labels("segs.nii.gz", np.full((10, 20, 24), 2, np.uint8))),
                                                                "--segments", str(kit.path("segs.nii.gz"))))
_overwrite_case("overwrite-report-label-map-file", lambda kit: report(
    kit, str(kit.write("map.json", json.dumps({"labels": {"1": "liver_parenchyma"}}))), "--label-map", str(kit.path("map.json"))))
_overwrite_case("overwrite-screenshot-image", lambda kit: ["screenshot", str(kit.image()), "--view", "axial", "-o", str(kit.path("img.nii.gz"))])
_overwrite_case("overwrite-segment-image", lambda kit: segment(str(kit.image()), str(kit.path("img.nii.gz"))))
_overwrite_case("overwrite-segment-labels", lambda kit: segment(str(kit.image()), str(kit.labels()), "--labels", str(kit.path("lab.nii.gz"))))
_overwrite_case("overwrite-export-labels", lambda kit: ["export", *pair(kit)[:1], "--labels", str(kit.path("lab.nii.gz")), "--plugin",
                                                        "cned-segment-volumetry", "--exporter", "segment-volumetry-csv", "-o", str(kit.path("lab.nii.gz"))])
_overwrite_case("overwrite-score-table-input", lambda kit: ["score-table", str(kit.write("in.csv", "patient_id,lesion_count\nA,3\n")),
                                                            "-o", str(kit.path("in.csv"))])


@case("overwrite-score-table-hardlink")
def _(kit: Kit) -> Call:
    table = kit.write("in.csv", "patient_id,lesion_count\nA,3\n")
    os.link(table, kit.path("alias.csv"))
    return Call(["score-table", str(table), "-o", str(kit.path("alias.csv"))], words=("would destroy the input",))


@case("overwrite-report-inside-dicom-folder")
def _(kit: Kit) -> Call:
    folder = kit.dicom()
    return Call(["report", str(folder), "--labels", str(kit.path("x.nii.gz")), "-o", str(folder / "IM0001")],
                words=("inside the input folder", "replace an input"))


@case("overwrite-segment-both-outputs-same")
def _(kit: Kit) -> Call:
    return Call(segment(str(kit.image()), str(kit.path("o.nii.gz")), "--segments-output", str(kit.path("o.nii.gz"))), words=("same file",))


# -- 3. geometry lies -----------------------------------------------------------------------------
def _nifti_case(case_id: str, name: str, words: tuple[str, ...], role: str = "image", **patch) -> None:
    def build(kit: Kit) -> Call:
        array = phantom_labels((10, 20, 24)) if role != "image" else None
        broken = str(kit.patched_nifti(name, array=array, **patch))
        if role == "image":
            return Call(measure(kit, broken), words=(name, *words))
        if role == "labels":
            return Call(measure(kit, str(kit.image()), broken), words=(name, *words))
        if role == "segments":
            return Call(measure(kit, str(kit.image()), None, "--segments", broken), words=(name, *words))
        return Call(["info", broken], words=(name, *words))
    case(case_id)(build)


_SPACING_WORDS = ("voxel size", "zero, negative")
for _role in ("image", "labels", "info"):
    _nifti_case(f"nifti-zero-spacing-{_role}", "zero.nii", _SPACING_WORDS, _role, patches=[(PIXDIM + 4, "f", [0.0])])
_nifti_case("nifti-negative-spacing", "neg.nii", _SPACING_WORDS, patches=[(PIXDIM + 8, "f", [-0.8])])
_nifti_case("nifti-nan-spacing-gz", "nan.nii.gz", _SPACING_WORDS, patches=[(PIXDIM + 12, "f", [math.nan])])
_nifti_case("nifti-zero-slice-spacing-segments", "zseg.nii", _SPACING_WORDS, "segments", patches=[(PIXDIM + 12, "f", [0.0])])
_nifti_case("nifti-dims-too-large", "big.nii", ("truncated",), patches=[(DIM + 6, "h", [11])])
_nifti_case("nifti-dims-too-small", "small.nii", ("disagree",), patches=[(DIM + 6, "h", [9])])
_nifti_case("nifti-dims-too-small-gz", "small.nii.gz", ("disagree",), patches=[(DIM + 6, "h", [9])])
_nifti_case("nifti-vox-offset-past-data", "off.nii", ("truncated",), patches=[(VOX_OFFSET, "f", [400.0])])
_nifti_case("nifti-vox-offset-inside-header", "off2.nii", ("voxel offset",), patches=[(VOX_OFFSET, "f", [100.0])])
_nifti_case("nifti-vox-offset-fraction", "off3.nii", ("voxel offset",), patches=[(VOX_OFFSET, "f", [352.5])])
_nifti_case("nifti-truncated", "cut.nii", ("truncated",), cut=1500)
_nifti_case("nifti-truncated-gz-info", "cut.nii.gz", ("truncated",), "info", cut=1500)
_nifti_case("nifti-truncated-labels", "cutlab.nii", ("truncated",), "labels", cut=2000)
_nifti_case("nifti-header-only", "hdr.nii", ("truncated",), cut=352)
_nifti_case("nifti-shorter-than-header", "tiny.nii", ("too short",), cut=200)
_nifti_case("nifti-trailing-bytes", "tail.nii", ("disagree",), extra=b"\0" * 64)
_nifti_case("nifti-bad-datatype", "dtype.nii", ("voxel type",), patches=[(DATATYPE, "h", [3])])
_nifti_case("nifti-bad-ndim", "ndim.nii", ("dimensions",), patches=[(DIM, "h", [0])])
_nifti_case("nifti-negative-dim", "negdim.nii", ("dimensions",), patches=[(DIM + 2, "h", [-24])])
_nifti_case("nifti-broken-magic", "magic.nii", ("magic", "analyze"), patches=[(MAGIC, "4s", [b"xx1\0"])])
_nifti_case("nifti-broken-magic-info", "magic2.nii", ("magic",), "info", patches=[(MAGIC, "4s", [b"ni1\0"])])
_nifti_case("nifti-bad-header-size", "hsize.nii", ("no valid nifti header",), patches=[(0, "i", [123])])


@case("nifti-broken-magic-subprocess-no-itk-noise")
def _(kit: Kit) -> Call:
    broken = str(kit.patched_nifti("magic.nii", patches=[(MAGIC, "4s", [b"xx1\0"])]))
    return Call(["info", broken], words=("magic",), absent=("warning", "itk", "deprecated"), in_subprocess=True)


@case("nifti-truncated-real-gz")
def _(kit: Kit) -> Call:
    source = kit.real("totalseg_example/example_ct_sm.nii.gz", "ct_full.nii.gz").read_bytes()
    cut = kit.write("ct_cut.nii.gz", source[: len(source) // 2])
    kit.path("ct_full.nii.gz").unlink()
    return Call(["measure", str(cut), "--labels", str(kit.real("totalseg_example/example_seg.nii.gz")), "--label-map", "totalseg-total"],
                words=("ct_cut.nii.gz", "truncated"))


@case("nifti-zero-spacing-real")
def _(kit: Kit) -> Call:
    raw = bytearray(gzip.decompress(kit.real("totalseg_example/example_ct_sm.nii.gz", "ct.nii.gz").read_bytes()))
    raw[PIXDIM + 4:PIXDIM + 8] = np.float32(0).tobytes()
    kit.write("ct.nii.gz", gzip.compress(bytes(raw), 1))
    return Call(["info", str(kit.path("ct.nii.gz"))], words=("ct.nii.gz", "voxel size"))


@case("nrrd-zero-spacing")
def _(kit: Kit) -> Call:
    text = kit.real("dcmqi_liver_seg/liver_seg.nrrd").read_bytes()
    start = text.index(b"space directions:")
    end = text.index(b"\n", start)
    kit.write("liver_seg.nrrd", text[:start] + b"space directions: (0,0,0) (0,0.8,0) (0,0,1)" + text[end:])
    return Call(["info", str(kit.path("liver_seg.nrrd"))], words=("liver_seg.nrrd", "voxel size", "zero, negative"))


@case("nrrd-truncated")
def _(kit: Kit) -> Call:
    path = kit.image("t.nrrd")
    kit.write("t.nrrd", path.read_bytes()[:-100])
    return Call(measure(kit, str(path)), words=("t.nrrd", "truncated"))


@case("mha-truncated")
def _(kit: Kit) -> Call:
    path = kit.image("t.mha")
    kit.write("t.mha", path.read_bytes()[:-100])
    return Call(measure(kit, str(path)), words=("t.mha", "truncated"), absent=("no such file",))


def _dicom_case(case_id: str, words: tuple[str, ...], command: str = "measure", code: int = 2, absent: tuple[str, ...] = (), **per_slice) -> None:
    def build(kit: Kit) -> Call:
        folder = str(kit.dicom(**per_slice))
        argv = ["info", folder] if command == "info" else ["measure", folder, "--labels", str(kit.path("none.nii.gz"))]
        return Call(argv, code=code, words=words, absent=absent)
    case(case_id)(build)


_dicom_case("dicom-varying-pixel-spacing", ("pixel spacing varies", "IM0002"), spacing=lambda k: (0.9, 0.9) if k == 2 else (0.7, 0.7))
_dicom_case("dicom-varying-pixel-spacing-info", ("pixel spacing varies",), "info", 0, spacing=lambda k: (0.7, 0.75) if k == 1 else (0.7, 0.7))
_dicom_case("dicom-varying-orientation", ("orientations",), orientation=lambda k: (1, 0, 0, 0, 0.996, 0.0872) if k == 3 else (1, 0, 0, 0, 1, 0))
_dicom_case("dicom-rgb-series", ("colour", "rgb"), absent=("different sizes",), rgb=True)
_dicom_case("dicom-two-frames-of-reference", ("different scans", "share"), absent=("gantry tilt of",), frame_uid=lambda k: f"1.2.3.{k % 2}")
_dicom_case("dicom-two-scans-shifted", ("several scans share",), absent=("gantry tilt of",), count=6, shift_x=lambda k: 40.0 if k % 2 else 0.0)
_dicom_case("dicom-gantry-tilt-still-tilt", ("gantry tilt",), shift_x=lambda k: 0.5 * k)


@case("dicom-missing-slice-still-gap")
def _(kit: Kit) -> Call:
    folder = kit.dicom(count=5)
    (folder / "IM0002").unlink()
    return Call(["measure", str(folder), "--labels", str(kit.path("x.nii.gz"))], words=("slice missing",))


def _real_dicom_case(case_id: str, mutate, words: tuple[str, ...], command: str = "measure", code: int = 2,
                     absent: tuple[str, ...] = (), as_nobody: bool = False) -> None:
    def build(kit: Kit) -> Call:
        folder = kit.real_dicom()
        mutate(kit, folder)
        argv = ["info", str(folder)] if command == "info" else ["measure", str(folder), "--labels", str(kit.real("dcmqi_liver_seg/liver_seg.nrrd"))]
        return Call(argv, code=code, words=words, absent=absent, as_nobody=as_nobody)
    case(case_id)(build)


def _cut(at: int):
    return lambda kit, folder: (folder / "02.dcm").write_bytes((folder / "02.dcm").read_bytes()[:at])


def _two_scans(kit: Kit, folder) -> None:
    for path in sorted(folder.iterdir()):
        ds = pydicom.dcmread(path)
        ds.ImagePositionPatient = [float(ds.ImagePositionPatient[0]) + 60, *ds.ImagePositionPatient[1:]]
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
        ds.save_as(folder / f"b_{path.name}")


def _rgb(kit: Kit, folder) -> None:
    for path in folder.iterdir():
        ds = pydicom.dcmread(path)
        grey = np.clip(ds.pixel_array // 8 + 128, 0, 255).astype(np.uint8)
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
        ds.PixelData = np.repeat(grey[..., None], 3, axis=2).tobytes()
        ds.save_as(path)


def _no_preamble(kit: Kit, folder) -> None:
    for path in folder.iterdir():
        path.write_bytes(bare_dataset(pydicom.dcmread(path)))


_real_dicom_case("real-dicom-pixel-spacing-varies", lambda kit, f: edit_dicom(f / "02.dcm", PixelSpacing=[0.9, 0.9]), ("pixel spacing varies", "02.dcm"))
_real_dicom_case("real-dicom-orientation-varies", lambda kit, f: edit_dicom(f / "03.dcm", ImageOrientationPatient=[1, 0, 0, 0, 0.98, 0.199]),
                 ("orientations",))
_real_dicom_case("real-dicom-truncated-header", _cut(1000), ("02.dcm", "truncated"), absent=("slice missing", "gap"))
_real_dicom_case("real-dicom-truncated-header-info", _cut(1000), ("02.dcm", "truncated", "skipped"), "info", 0)
_real_dicom_case("real-dicom-truncated-meta", _cut(200), ("02.dcm", "truncated"), absent=("slice missing",))
_real_dicom_case("real-dicom-truncated-pixels", _cut(300000), ("02.dcm", "truncated"))
_real_dicom_case("real-dicom-truncated-pixels-info", _cut(300000), ("02.dcm", "truncated"), "info", 0)
_real_dicom_case("real-dicom-bad-number-of-frames-info", lambda kit, f: bad_number_of_frames(f / "02.dcm"),
                 ("02.dcm", "numberofframes", "1a", "2 slices"), "info", 0, absent=("internal error",))
_real_dicom_case("real-dicom-bad-number-of-frames", lambda kit, f: bad_number_of_frames(f / "02.dcm"), ("02.dcm", "numberofframes"))
_real_dicom_case("real-dicom-two-scans-one-uid", _two_scans, ("several scans share",), absent=("gantry tilt of", "duplicated"))
_real_dicom_case("real-dicom-rgb", _rgb, ("colour",), absent=("different sizes", "mixes image sizes"))
_real_dicom_case("real-dicom-unreadable-slice", lambda kit, f: (f / "02.dcm").chmod(0o000), ("02.dcm", "permission denied"),
                 absent=("slice missing", "not dicom"), as_nobody=True)
_real_dicom_case("real-dicom-unreadable-folder", lambda kit, f: f.chmod(0o311), ("permission denied",), "info",
                 absent=("empty", "does not exist"), as_nobody=True)
_real_dicom_case("real-dicom-no-preamble-info", _no_preamble, ("3 slices",), "info", 0)
_real_dicom_case("real-dicom-no-preamble-measure", _no_preamble, ("liver",), "measure", 0)
_real_dicom_case("real-dicom-one-file-no-preamble", lambda kit, f: (f / "01.dcm").write_bytes(bare_dataset(pydicom.dcmread(f / "01.dcm"))),
                 ("3 slices",), "info", 0)


@case("dicom-no-preamble-synthetic-measure")
def _(kit: Kit) -> Call:
    folder = kit.dicom(preamble=False)
    return Call(["info", str(folder)], code=0, words=("4 slices",))


@case("dicom-file-in-series-info")
def _(kit: Kit) -> Call:
    return Call(["info", str(kit.dicom() / "IM0001")], code=0, words=("1 series", "IM0001", "4 slices"))


@case("dicom-unreadable-image-file-in-folder")
def _(kit: Kit) -> Call:
    folder = kit.dicom()
    (folder / "IM0003").chmod(0o000)
    return Call(["measure", str(folder), "--labels", str(kit.labels())], words=("IM0003", "permission denied"), as_nobody=True)


# -- 4. garbage voxels and empty masks ------------------------------------------------------------
def _float_image(kit: Kit, value: float) -> str:
    array = np.zeros((10, 20, 24), np.float32)
    array[4, 5:9, 5:9] = value
    return str(kit.image("f.nii.gz", array))


case("garbage-nan-voxels-measure")(lambda kit: Call(measure(kit, _float_image(kit, math.nan)), code=0, words=("nan", "segmenters refuse")))
case("garbage-inf-voxels-measure")(lambda kit: Call(measure(kit, _float_image(kit, math.inf)), code=0, words=("infinite",)))
case("garbage-nan-voxels-segmenter")(lambda kit: Call(segment(_float_image(kit, math.nan), str(kit.path("o.nii.gz"))),
                                                      words=("nan", "segmenter cannot use it")))
case("garbage-all-zero-mask")(lambda kit: Call(measure(kit, str(kit.image()), str(kit.labels("z.nii.gz", np.zeros((10, 20, 24), np.uint8)))),
                                               code=0, words=("no voxel at all",)))
case("garbage-tumour-only-mask")(lambda kit: Call(measure(kit, str(kit.image()), str(kit.labels("t.nii.gz", np.full((10, 20, 24), 2, np.uint8)))),
                                                  code=0, words=("no liver parenchyma", "tlvr")))
case("garbage-nan-labels")(lambda kit: Call(measure(kit, str(kit.image()), _float_image(kit, math.nan)), words=("non-integer",)))
case("garbage-negative-labels")(lambda kit: Call(measure(kit, str(kit.image()), str(kit.image("neg.nii.gz", np.full((10, 20, 24), -1, np.int16)))),
                                                 words=("negative",)))
case("garbage-text-as-nifti-gz")(lambda kit: Call(measure(kit, str(kit.write("fake.nii.gz", "hello")), None), words=("fake.nii.gz",)))
case("garbage-text-as-nrrd")(lambda kit: Call(measure(kit, str(kit.write("fake.nrrd", "hello\n" * 50)), None), words=("fake.nrrd", "not recognised")))
case("garbage-empty-nii")(lambda kit: Call(measure(kit, str(kit.write("empty.nii", b"")), None), words=("empty.nii", "too short")))


# -- 5. messages that name the real cause ---------------------------------------------------------
@case("cause-2d-mask")
def _(kit: Kit) -> Call:
    return Call(measure(kit, str(kit.image()), str(kit.image("flat.nii.gz", np.ones((1, 20, 24), np.uint8)[0]))),
                words=("2d", "flat.nii.gz"), absent=("does not overlap",))


@case("cause-unreadable-labels")
def _(kit: Kit) -> Call:
    labels = kit.labels()
    labels.chmod(0o000)
    return Call(measure(kit, str(kit.image()), str(labels)), words=("permission denied", "lab.nii.gz"), absent=("does not exist",), as_nobody=True)


@case("cause-unreadable-image")
def _(kit: Kit) -> Call:
    image = kit.image()
    image.chmod(0o000)
    return Call(measure(kit, str(image)), words=("permission denied", "img.nii.gz"), absent=("does not exist",), as_nobody=True)


case("cause-labels-is-a-folder")(lambda kit: Call(measure(kit, str(kit.image()), str(kit.folder("labs"))), words=("is a folder",)))
case("cause-labels-missing")(lambda kit: Call(measure(kit, str(kit.image()), str(kit.path("gone.nii.gz"))), words=("does not exist", "gone.nii.gz")))
case("cause-image-missing")(lambda kit: Call(measure(kit, str(kit.path("gone.nii.gz"))), words=("does not exist", "gone.nii.gz")))


# -- 6. info (issue 12, defect 7) ---------------------------------------------------------------
case("info-missing-path")(lambda kit: Call(["info", str(kit.dicom() / "nope")], words=("does not exist", "nope"), absent=("series",)))
case("info-text-file")(lambda kit: Call(["info", str(kit.write("dcm/notes.txt", "hello"))], words=("notes.txt", "neither a dicom")))
case("info-empty-folder")(lambda kit: Call(["info", str(kit.folder("empty"))], words=("empty",)))
case("info-image-header-only")(lambda kit: Call(["info", str(kit.image())], code=0, words=("24 x 20 x 10",)))


@case("overwrite-batch-input")
def _(kit: Kit) -> Call:
    table = kit.write("cases.csv", "image,labels\nimg.nii.gz,lab.nii.gz\n")
    return Call(["batch", str(table), "-o", str(table)], words=("would destroy the input",))


@case("output-batch-existing-folder")
def _(kit: Kit) -> Call:
    table = kit.write("cases.csv", "image,labels\nimg.nii.gz,lab.nii.gz\n")
    return Call(["batch", str(table), "-o", str(kit.folder("outdir"))], words=OUTPUT_WORDS["existing_folder"])
_nifti_case("nifti-implausible-spacing", "huge.nii", ("implausible",), patches=[(PIXDIM + 4, "f", [1e12])])
