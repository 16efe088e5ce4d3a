"""共同体工作台 (gongtongti-desktop): the offline workbench for kindergarten education communities."""

__version__ = "0.1.0"
