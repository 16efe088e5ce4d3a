"""A programme (方案) as its profile folder in ``forms/`` states it: roles and vocabularies, the
calendar and its periods, rule specs, assessment indexes, printable form specs. Read-only; needs
no data file."""
