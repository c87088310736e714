"""permessage-deflate peers in Python, for the deflate rows of `cargo xtask interop`.

usage:
  deflate_peer.py websockets-client URL CASE   CASE: default | fallback8 | no-context
  deflate_peer.py wsproto-client HOST PORT
(The wsproto server is wsproto_server.py --deflate.)

A client sends a long, compressible text message, checks the echo and prints the
negotiated `Sec-WebSocket-Extensions`; it fails unless permessage-deflate was agreed."""
import asyncio
import socket
import sys

TEXT = "permessage-deflate from python; " * 64


async def websockets_client(url: str, case: str) -> int:
    from websockets.asyncio.client import connect
    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

    offers = {
        # Python websockets' own default offer.
        "default": [ClientPerMessageDeflateFactory(client_max_window_bits=True)],
        # Several offers, most preferred first: the first limits the server to 8 bits.
        "fallback8": [
            ClientPerMessageDeflateFactory(server_max_window_bits=8, client_max_window_bits=True),
            ClientPerMessageDeflateFactory(client_max_window_bits=True),
        ],
        "no-context": [
            ClientPerMessageDeflateFactory(
                server_no_context_takeover=True, client_no_context_takeover=True
            )
        ],
    }[case]
    async with connect(url, extensions=offers, compression=None, open_timeout=10) as ws:
        await ws.send(TEXT)
        reply = await asyncio.wait_for(ws.recv(), 10)
        answer = ws.response.headers.get("Sec-WebSocket-Extensions", "")
        print(f"answer: {answer or '(none)'}; echo {'ok' if reply == TEXT else 'WRONG'}")
        return 0 if reply == TEXT and answer.startswith("permessage-deflate") else 1


def wsproto_client(host: str, port: int) -> int:
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, RejectConnection, Request, TextMessage
    from wsproto.extensions import PerMessageDeflate

    sock = socket.create_connection((host, port), timeout=10)
    ws = WSConnection(ConnectionType.CLIENT)
    sock.sendall(ws.send(Request(host=f"{host}:{port}", target="/",
                                 extensions=[PerMessageDeflate()])))
    answer = "(none)"
    while True:
        data = sock.recv(65536)
        if not data:
            return 1
        ws.receive_data(data)
        for event in ws.events():
            if isinstance(event, AcceptConnection):
                answer = ", ".join(str(e) for e in event.extensions) or "(none)"
                sock.sendall(ws.send(TextMessage(data=TEXT)))
            elif isinstance(event, RejectConnection):
                print(f"rejected {event.status_code}")
                return 1
            elif isinstance(event, TextMessage):
                ok = event.data == TEXT and answer != "(none)"
                print(f"answer: {answer}; echo {'ok' if event.data == TEXT else 'WRONG'}")
                return 0 if ok else 1


def main() -> int:
    role, rest = sys.argv[1], sys.argv[2:]
    if role == "websockets-client":
        return asyncio.run(websockets_client(rest[0], rest[1]))
    if role == "wsproto-client":
        return wsproto_client(rest[0], int(rest[1]))
    print(f"unknown role {role}")
    return 2


sys.exit(main())
