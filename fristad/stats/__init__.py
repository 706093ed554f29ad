"""Anonymous contact records and the statistics and reports built from them. Never imports chat."""
