"""``python -m model`` is the same as the ``fomento`` console script."""

import sys

from model.cli import main

sys.exit(main())
