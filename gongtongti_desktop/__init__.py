"""共同体工作台 (gongtongti-desktop): the offline workbench for kindergarten education communities."""

import os

__version__ = "0.1.0"

# python-docx (Word files) brings lxml, and openpyxl then parses workbooks with lxml instead of
# defusedxml. Workbooks come from strangers (a roster sent by e-mail): keep defusedxml, which
# refuses DTDs and entity bombs outright. Set before anything imports openpyxl.
os.environ.setdefault("OPENPYXL_LXML", "False")
