"""Importing the bureau's 附件1 workbook: a hostile file until proven otherwise, previewed before
anything is written, applied all or nothing."""
