import sys

from deploycheck.cli.main import main

sys.exit(main())
