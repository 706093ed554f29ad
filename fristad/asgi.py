"""ASGI entry point: HTTP through Django, websockets through Channels."""

import gc
import os
import warnings

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fristad.settings")
# WhiteNoise serves static files with a synchronous file iterator, which Django's ASGI
# handler reads in a thread and warns about; it is the intended way (hashed files, cached
# for a year by the browser), not a fault worth a line in the operator's log.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous iterators")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from fristad.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)

# Everything imported so far lives as long as the process. Freezing it keeps the cyclic
# garbage collector from walking it on every full collection: those walks were the
# longest pauses of the event loop (100-300 ms at a thousand chats), and every frame
# in flight waited them out.
gc.collect()
gc.freeze()
