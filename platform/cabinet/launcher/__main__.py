import sys

from cabinet.launcher import main

sys.exit(main())
