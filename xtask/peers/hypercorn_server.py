"""Python hypercorn serving an ASGI WebSocket echo over TLS, HTTP/1.1 and HTTP/2 by ALPN
(hypercorn advertises extended CONNECT on HTTP/2): text and binary echoed, subprotocol
`chat` when offered. Prints `listening on wss://127.0.0.1:PORT/` first.

Usage: python hypercorn_server.py --cert CERT.pem --key KEY.pem
"""

import argparse
import asyncio
import socket

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await receive()  # websocket.connect
    chosen = "chat" if "chat" in scope.get("subprotocols", []) else None
    await send({"type": "websocket.accept", "subprotocol": chosen})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") is not None:
            await send({"type": "websocket.send", "text": message["text"]})
        elif message.get("bytes") is not None:
            await send({"type": "websocket.send", "bytes": message["bytes"]})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    args = parser.parse_args()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile = args.cert
    config.keyfile = args.key
    config.accesslog = None
    print(f"listening on wss://127.0.0.1:{port}/", flush=True)
    asyncio.run(serve(app, config))


if __name__ == "__main__":
    main()
