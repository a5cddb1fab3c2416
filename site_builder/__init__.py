"""site_builder: a static site generator for Technician Commitment websites."""

__version__ = "0.1.0"  # the only place the version is set: pyproject.toml reads it
