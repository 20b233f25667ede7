"""The digest cluster: report types and JSON, team-weeks (sealing, overlap), figures, privacy, stats,
chart and alerts. The use case that answers `/tandem digest` is handlers/digest.py."""
