"""Render the tool tabs (Summary, Patterns, Flags, Sync Log) as backend-neutral ToolTabs.

Pure: the validation result and the patterns in, ToolTab data out. Each tab is written as lines and
tables (``render.layout``) and laid out once for every backend: widths from content, number formats,
wrapping, the heat map coloured on the rubric's own numbers.
"""

from tracker_sync.render.flags import FINDINGS_HEADER, render_flags, render_write_refused
from tracker_sync.render.heatmap import heat_scale, heatmap_table
from tracker_sync.render.patterns_tab import render_patterns
from tracker_sync.render.summary import render_summary
from tracker_sync.render.sync_log import SYNC_LOG_HEADER, SyncLogLine, render_sync_log

__all__ = ["FINDINGS_HEADER", "SYNC_LOG_HEADER", "SyncLogLine", "heat_scale", "heatmap_table", "render_flags",
           "render_patterns", "render_summary", "render_sync_log", "render_write_refused"]
