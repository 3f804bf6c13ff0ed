"""The school's observation form (Google trackers): its questions, and its responses taken in as rows.

Pure data and functions; the Forms API calls are in tracker_sync.backends.google.form.
"""
