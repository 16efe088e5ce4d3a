"""What a director records, one module per kind: the record engine (types, checks,
save/delete/restore) and the roster, plans, diary, attachments, stage reports, scoring and
reported marks. ``catalog`` sees every type at once."""
