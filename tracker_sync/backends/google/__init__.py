"""The tracker as a Google spreadsheet: gspread over one bounded-retry HTTP client (:mod:`.transport`),
Sheets JSON built by :mod:`.values`, and Google's per-user quota kept on our side (:mod:`.quota`)."""
