import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_application = get_asgi_application()

from cabinet.hostile_input import leave_form_bodies_to_django  # noqa: E402
from cabinet.security import require_secret_key  # noqa: E402

require_secret_key()
leave_form_bodies_to_django()

from realtime.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application})
