"""The data file itself: opening and refusing files (store), the schema and its migrations, backups
and restore, the one-writer lock, the early damage check."""
