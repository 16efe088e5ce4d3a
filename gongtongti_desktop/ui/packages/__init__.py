"""导出上报包 and 导入上报包 in the window: period picker, preview, progress."""
