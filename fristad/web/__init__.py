"""Web plumbing shared by every app: base layout, quick exit, privacy headers, access log."""
