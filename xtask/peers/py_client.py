"""Python `websockets` client: connect, send one message, check the echo.
usage: py_client.py URL [--protocol NAME]... [--deflate] [--origin ORIGIN] [--expect-status N]

With --expect-status N the handshake must be refused with status N (prints `refused N`)."""
import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus


def option(rest: list[str], name: str) -> str | None:
    return next((rest[i + 1] for i, a in enumerate(rest[:-1]) if a == name), None)


async def main() -> int:
    url, rest = sys.argv[1], sys.argv[2:]
    protocols = [rest[i + 1] for i, a in enumerate(rest[:-1]) if a == "--protocol"]
    deflate = "--deflate" in rest
    origin = option(rest, "--origin")
    expect_status = option(rest, "--expect-status")
    try:
        async with connect(url, subprotocols=protocols or None, origin=origin,
                           compression="deflate" if deflate else None,
                           open_timeout=10) as ws:
            if expect_status is not None:
                print(f"accepted, expected a refusal with {expect_status}")
                return 1
            await ws.send("hello from python websockets")
            reply = await asyncio.wait_for(ws.recv(), 10)
            extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "-")
            print(f"protocol={ws.subprotocol or '-'} extensions={extensions} reply={reply}")
            if reply != "hello from python websockets":
                return 1
            if protocols and ws.subprotocol != protocols[0]:
                return 1
    except InvalidStatus as refusal:
        status = refusal.response.status_code
        print(f"refused {status}")
        return 0 if expect_status is not None and status == int(expect_status) else 1
    return 0


sys.exit(asyncio.run(main()))
