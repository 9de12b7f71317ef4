"""Keeping the store fresh: watch mode and the change feed."""
