"""The data file seen from the window: the one-writer guard, backups and restore, the 回收站."""
