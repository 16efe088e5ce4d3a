"""The window (PySide6): Qt models and widgets over the core functions, no business rules."""
