"""Pure rules of the portal: no Flask, no SQLAlchemy; they take ``now`` or ``today`` as input."""
