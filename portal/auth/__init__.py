"""Login, logout and session keep-alive for citizens (MitID) and caseworkers (MitID Erhverv)."""

from portal.auth.views import bp

__all__ = ["bp"]
