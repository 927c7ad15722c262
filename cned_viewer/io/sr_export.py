"""The measurements of a case as a DICOM SR TID 1500 Measurement Report (highdicom.sr).

Layout (one TID 1411 volumetric group per item, each referencing a segment of the SEG it is
exported with and, through it, the source series):

* Finding "Liver" (SCT): the total liver volume (the TLVR denominator) and the parenchyma volume;
* Finding "Neoplasm" (SCT), tracking identifier "Tumour total": TTV and TLVR;
* Finding "Neoplasm", tracking identifier "Lesion N" (the lesion's stable number): its volume,
  largest 3D diameter and largest axial diameter; one group per counted lesion;
* Finding "Portal vein" and "Hepatic vein" (the latter including the IVC): their volumes;
* a TID 1501 group "C-NED score": the total as a numeric measurement, each item (point or
  not, Yes/No/Unknown) as a qualitative evaluation, and the lesion count.

Concepts without a standard code use the local coding scheme ``99CNED``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import highdicom as hd
from highdicom.sr import CodedConcept
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

import cned_viewer
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.seg_export import BuiltSeg
from cned_viewer.measure import Measurements
from cned_viewer.scores.results import ScoreResult

LOCAL_SCHEME = "99CNED"
ML = CodedConcept("ml", "UCUM", "milliliter")
MM = CodedConcept("mm", "UCUM", "millimeter")
NO_UNITS = CodedConcept("1", "UCUM", "no units")
TLVR = CodedConcept("TLVR", LOCAL_SCHEME, "Tumour-to-liver volume ratio")
PARENCHYMA_VOLUME = CodedConcept("PARENCHYMA-VOL", LOCAL_SCHEME, "Liver parenchyma volume")
CNED_FINDING = CodedConcept("CNED", LOCAL_SCHEME, "C-NED conversion score")
#: C-NED item key -> concept of its qualitative evaluation (CodeValue at most 16 characters).
CNED_ITEMS = {
    "poor_differentiation": CodedConcept("CNED-DIFF", LOCAL_SCHEME, "Poorly differentiated primary"),
    "lesion_count": CodedConcept("CNED-COUNT", LOCAL_SCHEME, "More than 8 liver metastases"),
    "tlvr": CodedConcept("CNED-TLVR", LOCAL_SCHEME, "TLVR at least 0.23"),
}
TOTAL_TRACKING_ID = "Tumour total"
SR_SERIES_NUMBER = 901


def lesion_tracking_id(lesion_id: int) -> str:
    """The tracking identifier of a lesion group: follows the lesion's number in viewer and report."""
    return f"Lesion {lesion_id}"


def build_measurement_report(
    built: BuiltSeg, measurements: Measurements, cned: ScoreResult | None = None, creator: str | None = None,
) -> hd.sr.Comprehensive3DSR:
    """The TID 1500 report of ``measurements`` referencing the segments of ``built`` and its source series."""
    groups = _Groups(built)
    liver_items = [_volume(measurements.total_liver_ml)]
    if "liver_parenchyma" in measurements.volumes_ml:
        liver_items.append(hd.sr.Measurement(PARENCHYMA_VOLUME, measurements.volumes_ml["liver_parenchyma"], ML))
    groups.add("Liver", "liver_parenchyma", codes.SCT.AnatomicalStructure, codes.SCT.Liver, liver_items)
    if measurements.ttv_ml > 0:
        total = [_volume(measurements.ttv_ml)]
        if measurements.tlvr is not None:
            total.append(hd.sr.Measurement(TLVR, measurements.tlvr, NO_UNITS))
        groups.add(TOTAL_TRACKING_ID, "tumour", codes.SCT.MorphologicallyAbnormalStructure, codes.SCT.Neoplasm, total, liver_site=True)
    for lesion in measurements.lesions:
        items = [
            _volume(lesion.volume_ml),
            hd.sr.Measurement(codes.SCT.Diameter, lesion.feret_diameter_mm, MM, derivation=codes.SCT.Maximum),
            hd.sr.Measurement(codes.SCT.LongAxis, lesion.axial_diameter_mm, MM),
        ]
        groups.add(lesion_tracking_id(lesion.id), "tumour", codes.SCT.MorphologicallyAbnormalStructure, codes.SCT.Neoplasm, items, liver_site=True)
    for key, finding, name in (("portal_vein", codes.SCT.PortalVein, "Portal vein"),
                               ("hepatic_veins", codes.SCT.HepaticVein, "Hepatic veins including IVC")):
        if key in measurements.volumes_ml:
            groups.add(name, key, codes.SCT.AnatomicalStructure, finding, [_volume(measurements.volumes_ml[key])])
    if cned is not None:
        groups.items.append(_cned_group(built, cned, measurements.lesion_count))
    report = hd.sr.MeasurementReport(
        observation_context=_observation_context(creator),
        procedure_reported=codes.LN.CTUnspecifiedBodyRegion if built.source[0].get("Modality") == "CT" else codes.LN.MRUnspecifiedBodyRegion,
        imaging_measurements=groups.items,
        title=codes.DCM.ImagingMeasurementReport,
    )
    return hd.sr.Comprehensive3DSR(
        evidence=[*built.source, built.seg],
        content=report,
        series_instance_uid=generate_uid(),
        series_number=SR_SERIES_NUMBER,
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="CNED Viewer",
        is_complete=True,
        series_description="CNED Viewer measurements",
    )


def save_report(sr: hd.sr.Comprehensive3DSR, path: str | os.PathLike) -> Path:
    """Write atomically (no partial file on failure); the path."""
    return atomic_write(path, lambda tmp: sr.save_as(tmp))


class _Groups:
    """The measurement groups, each referencing one segment of the SEG."""

    def __init__(self, built: BuiltSeg) -> None:
        self.built = built
        self.items: list[hd.sr.VolumetricROIMeasurementsAndQualitativeEvaluations | hd.sr.MeasurementsAndQualitativeEvaluations] = []
        self.source_series = hd.sr.SourceSeriesForSegmentation(built.source[0].SeriesInstanceUID)

    def add(self, tracking_id: str, segment_key: str, category: object, finding: object,
            items: Sequence[hd.sr.Measurement], liver_site: bool = False) -> None:
        number = self.built.segment_numbers.get(segment_key)
        if number is None:  # no such segment in the SEG: nothing to reference, nothing measured
            return
        seg = self.built.seg
        self.items.append(hd.sr.VolumetricROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=_tracking(seg.SOPInstanceUID, tracking_id),
            referenced_segment=hd.sr.ReferencedSegment(seg.SOPClassUID, seg.SOPInstanceUID, number, source_series=self.source_series),
            finding_type=finding,
            finding_category=category,
            finding_sites=[hd.sr.FindingSite(codes.SCT.Liver)] if liver_site else None,
            algorithm_id=_algorithm(),
            measurements=list(items),
        ))


def _cned_group(built: BuiltSeg, cned: ScoreResult, lesion_count: int) -> hd.sr.MeasurementsAndQualitativeEvaluations:
    evaluations = [hd.sr.QualitativeEvaluation(CNED_ITEMS.get(item.key, CodedConcept(item.key[:16], LOCAL_SCHEME, item.label[:64])),
                                               _yes_no(item.points)) for item in cned.items]
    numbers = [hd.sr.Measurement(codes.SCT.NumberOfLesions, lesion_count, NO_UNITS)]
    if cned.total is None:
        evaluations.append(hd.sr.QualitativeEvaluation(codes.SCT.Score, codes.SCT.Unknown))
    else:
        numbers.insert(0, hd.sr.Measurement(codes.SCT.Score, cned.total, NO_UNITS))
    return hd.sr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=_tracking(built.seg.SOPInstanceUID, "C-NED score"),
        finding_type=CNED_FINDING,
        algorithm_id=_algorithm(),
        measurements=numbers,
        qualitative_evaluations=evaluations,
    )


def _yes_no(points: int | None) -> object:
    return codes.SCT.Unknown if points is None else (codes.SCT.Yes if points > 0 else codes.SCT.No)


def _volume(ml: float) -> hd.sr.Measurement:
    return hd.sr.Measurement(codes.SCT.Volume, float(ml), ML)


def _tracking(seg_uid: str, identifier: str) -> hd.sr.TrackingIdentifier:
    """A tracking identifier whose UID is derived from the SEG and the identifier (stable within one export)."""
    return hd.sr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[seg_uid, identifier]), identifier=identifier)


def _algorithm() -> hd.sr.AlgorithmIdentification:
    return hd.sr.AlgorithmIdentification(name="CNED Viewer", version=cned_viewer.__version__)


def _observation_context(creator: str | None) -> hd.sr.ObservationContext:
    device = hd.sr.ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=hd.sr.DeviceObserverIdentifyingAttributes(
            uid=generate_uid(entropy_srcs=["cned-viewer device"]), name="CNED Viewer", model_name="cned-viewer"),
    )
    person = None
    if creator:
        person = hd.sr.ObserverContext(
            observer_type=codes.DCM.Person,
            observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name=creator),
        )
    return hd.sr.ObservationContext(observer_person_context=person, observer_device_context=device)
