"""A PDF (the tumour-board report) as a DICOM Encapsulated PDF in the patient's study.

Patient and study attributes are copied from the source series, so that a PACS files the
document with the images; the document gets its own series (modality DOC). The file is written
atomically.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pydicom
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID, generate_uid

import cned_viewer
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.dicom_source import TYPE2_ATTRIBUTES

ENCAPSULATED_PDF_STORAGE = "1.2.840.10008.5.1.4.1.1.104.1"
#: Patient and study attributes copied from the source (type 2 ones written empty when absent).
COPIED = ("StudyInstanceUID", *TYPE2_ATTRIBUTES)
OPTIONAL_COPIED = ("IssuerOfPatientID", "PatientAge", "StudyDescription", "SpecificCharacterSet")
PDF_SERIES_NUMBER = 902


def encapsulated_pdf(pdf: bytes, source: pydicom.Dataset, title: str = "CNED Viewer tumour board report") -> pydicom.Dataset:
    """The Encapsulated PDF dataset of ``pdf`` in the study of ``source`` (a dataset of the series)."""
    if not pdf.startswith(b"%PDF"):
        raise UserError("the report is not a PDF; cannot encapsulate it in DICOM")
    now = datetime.now()
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ENCAPSULATED_PDF_STORAGE
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.SOPClassUID, ds.SOPInstanceUID = ENCAPSULATED_PDF_STORAGE, ds.file_meta.MediaStorageSOPInstanceUID
    for keyword in COPIED:
        setattr(ds, keyword, source.get(keyword, ""))
    for keyword in OPTIONAL_COPIED:
        if source.get(keyword):
            setattr(ds, keyword, source.get(keyword))
    ds.Modality = "DOC"
    ds.SeriesInstanceUID, ds.SeriesNumber, ds.SeriesDescription = generate_uid(), PDF_SERIES_NUMBER, title[:64]
    ds.Manufacturer, ds.ManufacturerModelName, ds.SoftwareVersions = "CNED Viewer", "cned-viewer", cned_viewer.__version__
    ds.ConversionType = "WSD"
    ds.InstanceNumber = 1
    ds.ContentDate, ds.ContentTime = now.strftime("%Y%m%d"), now.strftime("%H%M%S")
    ds.AcquisitionDateTime = now.strftime("%Y%m%d%H%M%S")
    ds.InstanceCreationDate, ds.InstanceCreationTime = ds.ContentDate, ds.ContentTime
    ds.BurnedInAnnotation = "YES"
    ds.DocumentTitle = title[:64]
    ds.ConceptNameCodeSequence = []
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    ds.EncapsulatedDocument = pdf + (b"\0" if len(pdf) % 2 else b"")
    ds.EncapsulatedDocumentLength = len(pdf)
    ds.SourceInstanceSequence = [_sop_reference(source)]  # the images the report was made from
    return ds


def write_encapsulated_pdf(pdf: bytes, source: pydicom.Dataset, path: str | os.PathLike) -> Path:
    """Write ``pdf`` as a DICOM Encapsulated PDF in the study of ``source``, atomically; the path."""
    ds = encapsulated_pdf(pdf, source)
    return atomic_write(path, lambda tmp: ds.save_as(tmp, enforce_file_format=True))


def _sop_reference(source: pydicom.Dataset) -> pydicom.Dataset:
    item = pydicom.Dataset()
    item.ReferencedSOPClassUID, item.ReferencedSOPInstanceUID = source.SOPClassUID, source.SOPInstanceUID
    return item
