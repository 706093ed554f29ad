"""Fristad: the platform a national network of women's shelters runs on."""
