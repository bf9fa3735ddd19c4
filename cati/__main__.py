import sys

from cati.cli import main

sys.exit(main())
