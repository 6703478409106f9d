"""Validation: one stream of findings over a loaded document.

Envelope checks (found while the records are built), business rules (:mod:`.rules`) and the
implementation-guide checks (:mod:`.pyx12`) all produce :class:`~inspector.core.findings.Finding`
objects tied to segment ordinals; :mod:`.run` orders, de-duplicates and locates them once.
"""
