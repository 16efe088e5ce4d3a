"""Import the bureau's Excel of 附件1 结对名单 (pairing roster) into the data file.

Why: the county bureau hands every kindergarten the roster as an Excel workbook; retyping it
row by row is where names and phone numbers go wrong. The file comes from outside, so it is
treated as hostile until proven otherwise, and the director sees what would change before
anything is written.

Three steps, each usable on its own (the CLI and the window call exactly these):

``table.read_roster_xlsx``
    Reads and checks the whole file without touching any database: first the zip and XML
    checks of ``workbook_guard``, then the table itself (``table``). Every problem in the
    table is reported at once, each naming the sheet, row and column.
``plan.plan_import``
    Compares the file with the data file, read-only: what would be added or changed.
``apply.apply_import``
    Recomputes the plan inside one transaction and writes it through ``roster.save_record``,
    so the import validates exactly like the roster window. Re-importing the same file
    writes nothing.
"""
