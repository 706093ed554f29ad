"""Secret links (invites, calendar feeds): only a hash of the token is ever stored."""

import hashlib


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
