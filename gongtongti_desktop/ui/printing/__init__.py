"""Print preview, saving a form as PDF or Excel, exporting workbooks."""
