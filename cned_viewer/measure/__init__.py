"""Tumour burden: volumes, TLVR, lesions, diameters and vessel contact (pure; numba kernels).

Entry points: :func:`measure` (one full measurement) and :class:`IncrementalMeasurer` (live
volumes/TLVR while painting, lesion refresh on demand).
"""

from cned_viewer.measure.engine import measure
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.measure.options import MeasureOptions
from cned_viewer.measure.results import Burden, Lesion, LesionSet, Measurements, TinyLesion

__all__ = ["Burden", "IncrementalMeasurer", "Lesion", "LesionSet", "MeasureOptions", "Measurements", "TinyLesion", "measure"]
