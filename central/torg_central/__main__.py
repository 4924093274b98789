"""``python -m torg_central``: the same as ``python -m torg_central.devserver``."""

from torg_central.devserver import main

raise SystemExit(main())
