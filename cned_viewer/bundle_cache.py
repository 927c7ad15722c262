"""numba cache locator of the frozen bundle: kernels are found by module name, not by source file.

numba's own locators key a kernel's cache on its ``.py`` file (path hash and content), which a
frozen app does not have; without a locator ``cache=True`` fails with "no locator available".
This one keeps each module's kernels in ``NUMBA_CACHE_DIR/<package>/<module>/`` and stamps them
with the bundle's build id, so a cache compiled at build time fits wherever the bundle is unpacked.
:mod:`cned_viewer.frozen` selects it through ``NUMBA_CACHE_LOCATOR_CLASSES``.
"""

from __future__ import annotations

import os

from numba.core import config
from numba.core.caching import _CacheLocator

from cned_viewer.frozen import bundle_dir, read_build_info


class BundleCacheLocator(_CacheLocator):
    """Cache folder from the function's module name; freshness from the bundle's build id."""

    def __init__(self, py_func, py_file: str) -> None:
        self._py_file = py_file
        self._lineno = py_func.__code__.co_firstlineno
        self._cache_path = os.path.join(config.CACHE_DIR, *py_func.__module__.split("."))
        bundle = bundle_dir()
        self._stamp = read_build_info(bundle).get("build_id", "") if bundle else ""

    def get_cache_path(self) -> str:
        return self._cache_path

    def get_source_stamp(self) -> str:
        return self._stamp

    def get_disambiguator(self) -> str:
        return str(self._lineno)

    @classmethod
    def from_function(cls, py_func, py_file: str) -> BundleCacheLocator | None:
        if not config.CACHE_DIR:
            return None
        locator = cls(py_func, py_file)
        try:
            locator.ensure_cache_path()
        except OSError:
            return None
        return locator
