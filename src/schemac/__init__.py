"""schemac: compile PostgreSQL schema specs into ordered, verified migrations."""

__version__ = "0.1.0"
