"""Login, logout and session keep-alive for citizens (caseworkers follow in their own issue)."""

from portal.auth.views import bp

__all__ = ["bp"]
