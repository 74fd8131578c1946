"""``python -m bilinear``: the command line."""

import sys

from bilinear.cli import main

sys.exit(main())
