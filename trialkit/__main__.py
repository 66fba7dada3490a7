"""``python -m trialkit``: the same as the ``trialkit`` command."""

from trialkit.cli import main

raise SystemExit(main())
