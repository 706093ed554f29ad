"""Reference geography of Sweden: län, kommuner with coordinates, postal codes."""
