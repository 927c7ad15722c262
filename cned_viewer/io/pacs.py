"""Talk to a PACS with pynetdicom: C-ECHO, C-FIND (study and series level), C-GET of a series, C-STORE of files.

Every function takes :class:`~cned_viewer.io.pacs_settings.PacsSettings` and opens one association.
A PACS that is down, unknown, silent or refusing raises :class:`PacsError`, one line saying what
happened and what to check. A retrieval writes into a hidden folder beside the destination and
moves it into place only when complete, so a failed or cancelled one leaves nothing half-written
(and an earlier retrieval of the same series intact). Long operations check
:func:`cned_viewer.core.cancel.cancelled` between instances.
"""

from __future__ import annotations

import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydicom import Dataset, dcmread
from pydicom.errors import InvalidDicomError
from pynetdicom import AE, Association, build_role, evt
from pynetdicom import sop_class as sc

from cned_viewer.core.cancel import OperationCancelled, cancelled
from cned_viewer.errors import UserError
from cned_viewer.io.pacs_settings import PacsSettings

Progress = Callable[[int, int], None]
"""``progress(done, total)``; total 0 while unknown."""

#: Transfer syntaxes accepted for retrieved instances (uncompressed first; the PACS may transcode).
RETRIEVE_TRANSFER_SYNTAXES = [
    "1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57",
    "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50",
]
#: Storage classes a retrieval accepts: images the app reads, and the objects it writes.
RETRIEVE_SOP_CLASSES = [
    sc.CTImageStorage, sc.EnhancedCTImageStorage, sc.MRImageStorage, sc.EnhancedMRImageStorage,
    sc.PositronEmissionTomographyImageStorage, sc.SecondaryCaptureImageStorage, sc.SegmentationStorage,
    sc.ComprehensiveSRStorage, sc.EnhancedSRStorage, sc.BasicTextSRStorage, sc.EncapsulatedPDFStorage,
]
_REJECT_REASONS = {
    2: "the PACS does not support this application context",
    3: "the PACS does not know the app's AE title (register it on the PACS)",
    7: "the PACS is not called by that AE title (check the called AE title)",
}
_STATUS_OK, _STATUS_PENDING = 0x0000, (0xFF00, 0xFF01)


class PacsError(UserError):
    """The PACS could not be reached, refused, or failed an operation; the message says what to check."""


@dataclass(frozen=True)
class StudyMatch:
    """One study found by C-FIND."""

    study_uid: str
    patient_id: str
    patient_name: str
    study_date: str
    description: str
    modalities: str
    series_count: int | None

    def label(self) -> str:
        return f"{self.patient_name or '(no name)'} [{self.patient_id or 'no ID'}] {self.study_date} {self.description}".strip()


@dataclass(frozen=True)
class SeriesMatch:
    """One series of a study found by C-FIND."""

    study_uid: str
    series_uid: str
    modality: str
    number: str
    description: str
    instance_count: int | None


@dataclass
class TransferResult:
    """What a retrieval or a send did: the folder (retrieval), the files done and those that failed."""

    folder: Path | None = None
    done: int = 0
    failed: list[str] = field(default_factory=list)


def echo(settings: PacsSettings) -> None:
    """C-ECHO: return when the PACS answers, else :class:`PacsError`."""
    with _association(settings, [sc.Verification]) as assoc:
        status = assoc.send_c_echo()
        _check_status(settings, status, "C-ECHO")


def find_studies(settings: PacsSettings, patient_id: str = "", patient_name: str = "", study_date: str = "") -> list[StudyMatch]:
    """C-FIND at STUDY level. ``patient_name`` matches as a prefix (``*`` and ``?`` as typed);
    ``study_date`` is ``YYYYMMDD`` or a range ``YYYYMMDD-YYYYMMDD`` (either end may be left open)."""
    query = Dataset()
    query.QueryRetrieveLevel = "STUDY"
    query.PatientID = patient_id.strip()
    name = patient_name.strip()
    query.PatientName = name if not name or any(c in name for c in "*?") else name + "*"
    query.StudyDate = _checked_date(study_date.strip())
    for keyword in ("StudyInstanceUID", "StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedSeries", "AccessionNumber"):
        setattr(query, keyword, "")
    matches = [
        StudyMatch(str(ds.get("StudyInstanceUID", "")), str(ds.get("PatientID", "")), str(ds.get("PatientName", "")),
                   str(ds.get("StudyDate", "")), str(ds.get("StudyDescription", "")), _joined(ds.get("ModalitiesInStudy", "")),
                   _count(ds.get("NumberOfStudyRelatedSeries")))
        for ds in _find(settings, query)
    ]
    return sorted(matches, key=lambda m: (m.study_date, m.patient_name), reverse=True)


def find_series(settings: PacsSettings, study_uid: str) -> list[SeriesMatch]:
    """C-FIND at SERIES level: the series of one study, by series number."""
    query = Dataset()
    query.QueryRetrieveLevel = "SERIES"
    query.StudyInstanceUID = _checked_uid(study_uid, "study")
    for keyword in ("SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription", "NumberOfSeriesRelatedInstances"):
        setattr(query, keyword, "")
    matches = [
        SeriesMatch(study_uid, str(ds.get("SeriesInstanceUID", "")), str(ds.get("Modality", "")), str(ds.get("SeriesNumber", "")),
                    str(ds.get("SeriesDescription", "")), _count(ds.get("NumberOfSeriesRelatedInstances")))
        for ds in _find(settings, query)
    ]
    return sorted(matches, key=lambda m: (_number(m.number), m.series_uid))


def get_series(settings: PacsSettings, study_uid: str, series_uid: str | None, folder: str | Path,
               progress: Progress | None = None) -> TransferResult:
    """C-GET one series (or, with ``series_uid`` None, the whole study) into ``folder``, replacing what was there.

    Files are named by SOP instance UID. Nothing is moved into ``folder`` unless every instance arrived.
    """
    target = Path(folder)
    query = Dataset()
    query.QueryRetrieveLevel = "SERIES" if series_uid else "STUDY"
    query.StudyInstanceUID = _checked_uid(study_uid, "study")
    if series_uid:
        query.SeriesInstanceUID = _checked_uid(series_uid, "series")
    partial = _fresh_partial_folder(target)
    result = TransferResult(folder=target)

    def store(event: evt.Event) -> int:
        name = _safe_name(str(event.request.AffectedSOPInstanceUID))
        try:
            (partial / f"{name}.dcm").write_bytes(event.encoded_dataset())  # preamble, file meta and the data as received
        except OSError as error:  # disk full, folder gone: the PACS counts it as failed, the retrieval is not kept
            result.failed.append(f"cannot write into {target.parent} ({error.strerror})")
            return 0xA700
        return _STATUS_OK

    contexts = [sc.StudyRootQueryRetrieveInformationModelGet]
    try:
        with _association(settings, contexts, storage_scp=True, handlers=[(evt.EVT_C_STORE, store)]) as assoc:
            for status, _identifier in assoc.send_c_get(query, sc.StudyRootQueryRetrieveInformationModelGet):
                if result.failed and status and status.get("Status") not in _STATUS_PENDING:
                    break  # our own write failed: that is the reason to give, whatever status the PACS ends with
                _check_status(settings, status, "C-GET")
                result.done = int(status.get("NumberOfCompletedSuboperations", result.done))
                remaining = int(status.get("NumberOfRemainingSuboperations", 0))
                failed = int(status.get("NumberOfFailedSuboperations", 0))
                if progress is not None:
                    progress(result.done, result.done + remaining + failed)
                if cancelled():
                    assoc.abort()
                    raise OperationCancelled("retrieval from the PACS cancelled")
                if status.Status not in _STATUS_PENDING and failed and not result.failed:
                    result.failed.append(f"{failed} instance(s) could not be retrieved")
        received = sorted(partial.glob("*.dcm"))
        if result.failed or not received:
            what = "; ".join(result.failed) or "the PACS sent no instance (is the series still there?)"
            raise PacsError(f"retrieval from {settings.describe()} incomplete: {what}; nothing was kept, try again")
        result.done = len(received)
        _replace_folder(partial, target)
        return result
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def store_files(settings: PacsSettings, paths: Iterable[str | Path], progress: Progress | None = None) -> TransferResult:
    """C-STORE each DICOM file (folders are searched recursively; other files are skipped and named in
    ``failed``). The files are sent as they are and never changed."""
    files, result = _dicom_files(paths)
    if not files:
        raise UserError("no DICOM file to send; give DICOM files or folders that hold them")
    contexts = sorted({(str(ds.SOPClassUID), str(ds.file_meta.TransferSyntaxUID)) for _, ds in files})
    with _association(settings, contexts) as assoc:
        for number, (path, ds) in enumerate(files, start=1):
            if cancelled():
                assoc.release()
                raise OperationCancelled(f"sending to the PACS cancelled after {result.done} of {len(files)} files")
            status = assoc.send_c_store(path)
            if not assoc.is_established:
                raise PacsError(f"{settings.describe()} dropped the connection after {result.done} of {len(files)} files; "
                                "send again (the PACS keeps what it received)")
            if status and status.Status in (_STATUS_OK, 0xB000, 0xB007, 0xB006):
                result.done += 1
            else:
                reason = f"status 0x{status.Status:04X}" if status else "no answer"
                result.failed.append(f"{path.name}: refused by the PACS ({reason})")
            if progress is not None:
                progress(number, len(files))
    return result


def _dicom_files(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Dataset]], TransferResult]:
    """``(path, header)`` of every readable DICOM file under ``paths``; the others listed as failed."""
    found: list[tuple[Path, Dataset]] = []
    result = TransferResult()
    for given in paths:
        given = Path(given)
        if not given.exists():
            raise UserError(f"{given} does not exist; check the path")
        for path in sorted(p for p in given.rglob("*") if p.is_file()) if given.is_dir() else [given]:
            try:
                ds = dcmread(path, stop_before_pixels=True)
                ds.SOPClassUID, ds.file_meta.TransferSyntaxUID  # noqa: B018 - both are needed to send it
            except (InvalidDicomError, AttributeError, OSError, ValueError):
                result.failed.append(f"{path.name}: not a DICOM file, skipped")
                continue
            found.append((path, ds))
    return found, result


@contextmanager
def _association(settings: PacsSettings, contexts: Sequence, storage_scp: bool = False,
                 handlers: list | None = None) -> Iterator[Association]:
    """An established association (released on exit), or :class:`PacsError` saying why there is none."""
    settings.checked()
    ae = AE(ae_title=settings.calling_ae.strip())
    ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = ae.connection_timeout = settings.timeout_s
    for context in contexts:
        if isinstance(context, tuple):
            ae.add_requested_context(context[0], list(dict.fromkeys([context[1], "1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])))
        else:
            ae.add_requested_context(context)
    roles = []
    if storage_scp:
        for sop_class in RETRIEVE_SOP_CLASSES:
            ae.add_requested_context(sop_class, RETRIEVE_TRANSFER_SYNTAXES)
            roles.append(build_role(sop_class, scp_role=True))
    assoc = ae.associate(settings.host.strip(), int(settings.port), ae_title=settings.called_ae.strip(),
                         ext_neg=roles or None, evt_handlers=handlers or None)
    if not assoc.is_established:
        raise PacsError(_why_not_established(settings, assoc))
    _keep_responses(assoc)
    try:
        yield assoc
    finally:
        if assoc.is_established:
            assoc.release()


def _keep_responses(assoc: Association) -> None:
    """Work around a race in pynetdicom (3.0): its reactor thread can take a response off the message queue
    just as a ``send_*`` call starts waiting for it, which then waits until the DIMSE timeout. A response the
    reactor takes is put back at the front of the queue; requests (C-STORE during C-GET) are served as before."""
    serve, messages = assoc._serve_request, assoc.dimse.msg_queue

    def serve_requests_only(msg: Any, context_id: int) -> None:
        if msg.is_valid_request:
            serve(msg, context_id)
            return
        with messages.mutex:
            messages.queue.appendleft((context_id, msg))
            messages.not_empty.notify()

    assoc._serve_request = serve_requests_only  # type: ignore[method-assign]


def _why_not_established(settings: PacsSettings, assoc: Association) -> str:
    where = settings.describe()
    if assoc.is_rejected:
        primitive = assoc.acceptor.primitive
        reason = _REJECT_REASONS.get(getattr(primitive, "diagnostic", None), "no reason given")
        return f"{where} refused the connection: {reason}; check the PACS settings (AE titles, host, port)"
    try:
        with socket.create_connection((settings.host.strip(), int(settings.port)), timeout=min(settings.timeout_s, 5.0)):
            pass
    except socket.gaierror:
        return f"PACS host {settings.host!r} is unknown; check the host name in the PACS settings"
    except ConnectionRefusedError:
        return f"no PACS answers at {settings.host}:{settings.port} (connection refused); check that the PACS runs and the host and port"
    except TimeoutError:
        return f"no answer from {settings.host}:{settings.port} within {settings.timeout_s:g} s; check the host, port and network"
    except OSError as error:
        return f"cannot reach {settings.host}:{settings.port} ({error.strerror or error}); check the host, port and network"
    return f"{where} closed the connection without accepting it; check the AE titles and that the PACS knows this computer"


def _find(settings: PacsSettings, query: Dataset) -> list[Dataset]:
    found: list[Dataset] = []
    with _association(settings, [sc.StudyRootQueryRetrieveInformationModelFind]) as assoc:
        for status, identifier in assoc.send_c_find(query, sc.StudyRootQueryRetrieveInformationModelFind):
            _check_status(settings, status, "C-FIND")
            if status.Status in _STATUS_PENDING and identifier is not None:
                found.append(identifier)
    return found


def _check_status(settings: PacsSettings, status: Dataset | None, what: str) -> None:
    if status is None or "Status" not in status:
        raise PacsError(f"{settings.describe()} gave no answer to {what} within {settings.timeout_s:g} s; try again, or raise the timeout")
    code = int(status.Status)
    if code in (_STATUS_OK, *_STATUS_PENDING) or (code & 0xF000) == 0xB000:
        return
    if code == 0xFE00:
        raise OperationCancelled(f"{what} cancelled by the PACS")
    comment = f" ({status.ErrorComment})" if "ErrorComment" in status else ""
    if code in (0x0124, 0xA801):
        hint = "the PACS does not allow this AE title to do that; register the app on the PACS"
    elif code & 0xF000 == 0xC000 or code == 0xA900:
        hint = "the PACS could not process the request (is the study or series still there?); see the PACS's log"
    elif code & 0xFF00 == 0xA700:
        hint = "the PACS is out of resources; try again later"
    else:
        hint = "see the PACS's log"
    raise PacsError(f"{settings.describe()} refused {what}: status 0x{code:04X}{comment}; {hint}")


def _fresh_partial_folder(target: Path) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))  # one per retrieval
    except OSError as error:
        raise UserError(f"cannot write retrieved files beside {target} ({error.strerror}); choose another folder") from None
    return partial


def _replace_folder(partial: Path, target: Path) -> None:
    """Move ``partial`` to ``target``; an existing ``target`` is set aside first and removed after."""
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    if target.exists():
        if not target.is_dir():
            raise UserError(f"{target} is a file; give a folder for the retrieved series")
        target.rename(old / target.name)
    partial.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _checked_uid(uid: str, what: str) -> str:
    uid = uid.strip()
    if len(uid) > 64 or not re.fullmatch(r"\d+(\.\d+)+", uid):
        raise UserError(f"{uid!r} is no valid {what} instance UID (digits and dots, up to 64 characters)")
    return uid


def _checked_date(text: str) -> str:
    if text and not re.fullmatch(r"\d{8}|\d{8}-|-\d{8}|\d{8}-\d{8}", text):
        raise UserError(f"study date {text!r} must be YYYYMMDD or a range YYYYMMDD-YYYYMMDD (an end may be left open)")
    return text


def _safe_name(uid: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]", "_", uid) or "instance"


def _joined(value: object) -> str:
    return "\\".join(str(v) for v in value) if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue" else str(value)


def _count(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("inf")
