"""mesh layer."""
