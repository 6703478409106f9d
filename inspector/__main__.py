"""``python -m inspector`` and the entry point of the frozen app (both executables)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # In a frozen app a validation worker process re-runs this executable; freeze_support()
    # turns that run into the worker instead of a second copy of the app.
    multiprocessing.freeze_support()
    from inspector.cli import main

    sys.exit(main())
