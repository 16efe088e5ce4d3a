"""The upload package (.gtt): writing it, reading it with every check, and importing its records by
UUID (导入上报包). Format: docs/package-format.md."""
