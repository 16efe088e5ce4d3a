"""帮助: the Chinese user manual shown in the program (使用说明)."""
