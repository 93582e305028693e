"""Where records live: SQLite (embedded), PostgreSQL (for replicas) or memory, behind one Store interface."""
