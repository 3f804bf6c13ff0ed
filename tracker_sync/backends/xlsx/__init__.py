"""The tracker as a local .xlsx file (the embedded default): read with python-calamine, tool tabs
written part by part into the zip container, coach parts kept byte for byte."""

from tracker_sync.backends.xlsx.workbook import XlsxWorkbook

__all__ = ["XlsxWorkbook"]
