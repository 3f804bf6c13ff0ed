"""tracker-sync: validate a school's coaching tracker, compute team patterns, write them back.

The public names below load lazily, so `import tracker_sync` (and `tracker-sync --help`) stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.3.0"

_EXPORTS = {
    "Workbook": "tracker_sync.backends.base",
    "Snapshot": "tracker_sync.tabs",
    "ToolTab": "tracker_sync.tabs",
    "Link": "tracker_sync.tabs",
    "Style": "tracker_sync.tabs",
    "ColorScale": "tracker_sync.tabs",
    "open_workbook": "tracker_sync.backends",
    "Finding": "tracker_sync.validate.findings",
    "FINDING_TYPES": "tracker_sync.validate.findings",
    "validate": "tracker_sync.validate.rows",
    "ValidationResult": "tracker_sync.validate.rows",
    "compute_patterns": "tracker_sync.patterns",
    "Patterns": "tracker_sync.patterns",
    "check_tracker": "tracker_sync.sync",
    "sync_tracker": "tracker_sync.sync",
    "validate_tracker": "tracker_sync.sync",
    "SyncReport": "tracker_sync.sync",
    "TrackerSyncError": "tracker_sync.errors",
    "ConfigError": "tracker_sync.errors",
    "BackendError": "tracker_sync.errors",
    "TrackerNotFound": "tracker_sync.errors",
    "TrackerLocked": "tracker_sync.errors",
    "TrackerInUse": "tracker_sync.errors",
    "TrackerNotShared": "tracker_sync.errors",
    "ApiError": "tracker_sync.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'tracker_sync' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
