"""A COUPON.USE notification receiver on the standard library's http.server.

It hands the *raw* body bytes and the headers to the client (never a re-serialised dict: the
signature covers the exact bytes), answers with the acknowledgement the library chooses, and
dispatches on the event type. Run it next to the sandbox:

    python examples/python/notify_server.py /path/to/merchant.json 8088
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, List, Optional, Type

import wechatpay_coupons as wc
from wechatpay_coupons import NotificationEvent

OnEvent = Callable[[NotificationEvent], None]


def make_handler(client: wc.Client, on_event: OnEvent) -> Type[BaseHTTPRequestHandler]:
    """A request handler class that verifies, decrypts and acknowledges notifications."""

    class NotifyHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            error: Optional[BaseException] = None
            try:
                event = client.parse_notification(self.headers, body)
                on_event(event)
            except wc.WechatPayError as e:
                error = e
            ack = wc.Acknowledgement.for_error(error)
            self.send_response(ack.status)
            for name, value in ack.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(ack.body)))
            self.end_headers()
            self.wfile.write(ack.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return NotifyHandler


def serve(client: wc.Client, on_event: OnEvent, port: int = 0) -> ThreadingHTTPServer:
    """Starts the receiver on 127.0.0.1:`port` in a daemon thread; returns the server."""
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(client, on_event))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: List[str]) -> None:
    client = wc.Client.from_config(argv[1])
    port = int(argv[2]) if len(argv) > 2 else 8088

    def on_event(event: NotificationEvent) -> None:
        if event["event_type"] == "COUPON.USE":
            print("coupon used:", event["resource"]["coupon_id"], event["resource"]["status"])
        else:
            print("event", event["event_type"], event["id"])

    server = serve(client, on_event, port)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/wechatpay/notify")
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv)
