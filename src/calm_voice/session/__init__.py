"""The pure session: every decision the companion makes, with no threads and no I/O."""
