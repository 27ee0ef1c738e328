"""Where the checkout and its data are, and how a yes/no is read from the environment."""

import os
from pathlib import Path

CABINET_DIR = Path(__file__).resolve().parent.parent  # templates and static files travel with the package
BASE_DIR = CABINET_DIR.parent.parent
DATA_DIR = Path(os.environ.get("KABINET_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}
