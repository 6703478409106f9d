"""Pure-Python core of the inspector. Nothing in this package may import Qt."""
