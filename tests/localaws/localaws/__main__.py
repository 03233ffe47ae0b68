"""Entry point for ``python -m localaws``."""

import sys

from localaws.cli import main

sys.exit(main())
