"""CNED Viewer: tumour burden and the C-NED conversion score for colorectal liver metastases."""

__version__ = "0.1.0"
