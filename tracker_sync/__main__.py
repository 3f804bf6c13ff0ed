"""`python -m tracker_sync` is the same as the `tracker-sync` command."""

from tracker_sync.cli import main

main()
