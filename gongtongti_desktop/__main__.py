"""Allow ``python -m gongtongti_desktop``."""

from gongtongti_desktop.cli import main

raise SystemExit(main())
