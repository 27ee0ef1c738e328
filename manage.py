#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    # platform/ is a source root (see docs/decisions.md); the install puts it on the path, this covers a bare checkout.
    root = Path(__file__).resolve().parent
    for path in (root, root / "platform"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
