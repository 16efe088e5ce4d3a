"""The headless core: the data file, the programme profiles, and every user operation.

No Qt here (checked by tests/test_layering.py). Importing the package imports nothing else:
each module is loaded when first used (``records.catalog`` loads every record type for
the 回收站), so the window's first frame and each command pay only for what they use.
"""
