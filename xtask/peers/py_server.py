"""Python `websockets` echo server on 127.0.0.1:0; prints its port first.
usage: py_server.py [--protocol NAME]... [--basic-auth USER:PASSWORD]"""
import asyncio
import sys

from websockets.asyncio.server import basic_auth, serve


async def echo(ws):
    async for message in ws:
        await ws.send(message)


async def main() -> None:
    rest = sys.argv[1:]
    protocols = [rest[i + 1] for i, a in enumerate(rest) if a == "--protocol"]
    credentials = [rest[i + 1] for i, a in enumerate(rest) if a == "--basic-auth"]
    # websockets' own HTTP Basic check (401 with WWW-Authenticate otherwise).
    process_request = (
        basic_auth(realm="wshake", credentials=tuple(credentials[0].split(":", 1)))
        if credentials
        else None
    )
    async with serve(
        echo,
        "127.0.0.1",
        0,
        subprotocols=protocols or None,
        process_request=process_request,
    ) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.sleep(600)


asyncio.run(main())
