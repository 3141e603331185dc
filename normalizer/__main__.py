"""``python -m normalizer`` runs the ``mtnorm`` command line."""

from .cli import main

raise SystemExit(main())
