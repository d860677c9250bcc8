"""Use cases: ``(session, actor, ...) -> result``. They own their transactions and audit events."""
