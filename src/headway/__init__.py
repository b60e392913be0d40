"""Headway: performance and improvement platform for children's services."""

__version__ = "0.1.0"
