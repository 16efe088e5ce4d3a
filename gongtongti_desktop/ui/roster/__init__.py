"""结对名单: the roster tables and the import of the bureau's workbook."""
