"""Corrections in the desktop app: the editor of a document, its editors, journal and re-checks."""
