"""The staff workspace: dashboard, worklist, intake, processing and printed forms."""
