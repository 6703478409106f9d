"""editing stage."""
