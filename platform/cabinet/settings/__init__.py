"""Settings, read from the environment (see the configuration table in README.md), one file a subject:
`DJANGO_SETTINGS_MODULE=cabinet.settings` reads them all."""

from cabinet.settings.api import *  # noqa: F403
from cabinet.settings.billing import *  # noqa: F403
from cabinet.settings.core import *  # noqa: F403
from cabinet.settings.environment import *  # noqa: F403
from cabinet.settings.messages import *  # noqa: F403
from cabinet.settings.security import *  # noqa: F403
from cabinet.settings.tasks import *  # noqa: F403
