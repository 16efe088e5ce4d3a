"""The upload package (上报数据包, ``.gtt``): writing it, reading it safely, importing it, and
the 汇总 report across many kindergartens' packages.

A package travels by USB stick or an upload page between machines nobody controls, so the
reading side treats every package as hostile until each member is checked (names, sizes,
hashes, JSON shape, the workbook's XML) — before a single byte of the data file is touched.
The layout is documented in docs/package-format.md.

Layer: imports core and output, never Qt; openpyxl, reportlab and Pillow only inside
functions, so the window's start-up does not pay for them (tests/test_layering.py).
"""
