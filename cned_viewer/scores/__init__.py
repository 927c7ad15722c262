"""scores layer."""
