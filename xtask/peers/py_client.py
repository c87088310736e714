"""Python `websockets` client: connect, send one message, check the echo.
usage: py_client.py URL [--protocol NAME]... [--deflate]"""
import asyncio
import sys

from websockets.asyncio.client import connect


async def main() -> int:
    url, rest = sys.argv[1], sys.argv[2:]
    protocols = [rest[i + 1] for i, a in enumerate(rest) if a == "--protocol"]
    deflate = "--deflate" in rest
    async with connect(url, subprotocols=protocols or None,
                       compression="deflate" if deflate else None, open_timeout=10) as ws:
        await ws.send("hello from python websockets")
        reply = await asyncio.wait_for(ws.recv(), 10)
        extensions = ws.response.headers.get("Sec-WebSocket-Extensions", "-")
        print(f"protocol={ws.subprotocol or '-'} extensions={extensions} reply={reply}")
        if reply != "hello from python websockets":
            return 1
        if protocols and ws.subprotocol != protocols[0]:
            return 1
    return 0


sys.exit(asyncio.run(main()))
