"""Each teacher's own 1:1 page (issue 25): what it shows (model), as HTML (html), as a tab (tab), and
on Google as one view-only spreadsheet per teacher (google), remembered in the tracker (state)."""
