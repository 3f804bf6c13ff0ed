"""Validation: every raw cell of the coach tabs becomes a typed record field or a finding.

:mod:`.cells` parses one cell, :mod:`.rows` one row and tab at a time (:func:`validate`),
:mod:`.crosscheck` what needs more than one cell, :mod:`.findings` what a finding is, and
:mod:`.authors` who typed each row.
"""

from tracker_sync.validate.rows import Records, ValidationResult, validate

__all__ = ["Records", "ValidationResult", "validate"]
