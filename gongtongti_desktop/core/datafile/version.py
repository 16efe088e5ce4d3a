"""The data file's schema version this program writes: the number of migrations in schema.py.

Kept in its own tiny module so opening an up-to-date file need not import the migrations
(and sqlite-utils); tests/core/test_store.py checks it equals the migrations' count.
"""

SCHEMA_VERSION = 9
