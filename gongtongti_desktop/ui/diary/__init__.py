"""帮扶日志: the activity list with search and filters, an activity's text and evidence, revisions of
reported records."""
