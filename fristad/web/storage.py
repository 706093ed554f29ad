"""Static files: hashed names and pre-compressed copies (WhiteNoise).

Not strict: a missing manifest entry falls back to the plain name instead of
turning every page, the error pages included, into a 500.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
