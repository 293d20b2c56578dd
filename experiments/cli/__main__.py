"""``python -m experiments.cli``: the same as the ``servisim`` command."""

import sys

from experiments.cli import main

sys.exit(main())
