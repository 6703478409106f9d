"""The panels of a document tab: a titled table with its own filters and count."""
