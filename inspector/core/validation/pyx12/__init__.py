"""validation/pyx12 stage."""
