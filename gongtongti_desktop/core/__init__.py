"""The headless core: the data file, the programme profiles, and every user operation.

No Qt here (checked by tests/test_layering.py). Importing the package registers every record
type (roster, plans, diary, attachments), so the 回收站 always sees all of them.
"""

from gongtongti_desktop.core import attachments, diary, plans, roster  # noqa: F401
