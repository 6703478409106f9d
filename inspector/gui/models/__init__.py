"""Qt item models over the core's data (QtCore/QtGui only, never QtWidgets)."""
