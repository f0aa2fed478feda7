"""``python -m repcheck`` is the ``repcheck`` command."""

import sys

from .cli import main

sys.exit(main())
