"""Invented 示例 data, made through the same operations a user has."""
