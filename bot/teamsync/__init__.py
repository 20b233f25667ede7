"""Keeping synced teams current: the run that reads each due source from its platform and applies it."""
