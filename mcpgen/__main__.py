"""python -m mcpgen: the same as the `mcpgen` command."""

import sys

from mcpgen.cli import main

sys.exit(main())
