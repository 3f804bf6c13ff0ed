"""The public surface: every exported name resolves, and the list changes only on purpose."""

import subprocess
import sys

import tracker_sync


def test_every_exported_name_resolves():
    for name in tracker_sync.__all__:
        assert getattr(tracker_sync, name) is not None, name


def test_public_surface_is_stable():
    assert sorted(tracker_sync.__all__) == sorted([
        "ApiError", "BackendError", "ColorScale", "ConfigError", "FINDING_TYPES", "Finding", "Link", "Patterns",
        "Snapshot", "Style", "SyncReport", "ToolTab", "TrackerInUse", "TrackerLocked", "TrackerNotFound", "TrackerNotShared",
        "TrackerSyncError",
        "ValidationResult", "Workbook", "__version__", "check_tracker", "compute_patterns", "open_workbook",
        "sync_tracker", "validate", "validate_tracker",
    ])


def test_cli_help_does_not_import_heavy_libraries():
    code = ("import sys; from tracker_sync.cli import app; "
            "print(','.join(m for m in ('pandas', 'openpyxl', 'gspread', 'apscheduler') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
