"""The district view: every school side by side, aggregate and private by construction.

- figures: one school's aggregate figures from its check (stored in the run history by each sync)
- suppress: small-cell and complementary suppression
- report: the district report's content, read from the history alone (no tracker, no API call)
- tabs, brief, sparkline: the District workbook's tabs (layout engine) and the one-page district brief
- publish: writes the District workbook (xlsx or Google, through Workbook.write) and the brief
"""
