"""The tracker as a Google spreadsheet: gspread over one bounded-retry HTTP client (:mod:`.transport`),
Sheets JSON built by :mod:`.values`, and Google's per-user quota kept on our side (:mod:`.quota`).

Only :mod:`.transport` imports Google's libraries (the ``google`` extra); without them it raises
:class:`~tracker_sync.errors.MissingExtra`, which :func:`require_google` raises up front."""


def require_google() -> None:
    """Raise MissingExtra (one line naming ``pip install 'tracker-sync[google]'``, exit 2) unless the
    google extra is installed; for commands that would otherwise fail school by school."""
    import tracker_sync.backends.google.transport  # noqa: F401  (its import is the check)
