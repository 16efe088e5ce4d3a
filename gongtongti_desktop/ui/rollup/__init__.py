"""The 汇总 window for a core kindergarten or a county clerk."""
