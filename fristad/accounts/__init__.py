"""Invite-only staff with mandatory 2FA, roles, the tystnadslöfte, tenant isolation, audit log, jourschema."""
