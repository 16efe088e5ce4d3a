"""The rows each printable form binds to (附件1–4, plan tables, activity records, checklists, the
rules report), ready for any renderer in ``output``."""
