"""Python `wsproto` (sans-IO) echo server over plain sockets; prints its port first.
usage: wsproto_server.py [--deflate]   (--deflate: accept permessage-deflate offers)"""
import socket
import sys
import threading

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, CloseConnection, Message, Ping, Request,
                            TextMessage, BytesMessage)


def extensions() -> list:
    if "--deflate" not in sys.argv[1:]:
        return []
    from wsproto.extensions import PerMessageDeflate
    return [PerMessageDeflate()]


def handle(conn: socket.socket) -> None:
    ws = WSConnection(ConnectionType.SERVER)
    conn.settimeout(30)
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                return
            ws.receive_data(data)
            for event in ws.events():
                if isinstance(event, Request):
                    conn.sendall(ws.send(AcceptConnection(extensions=extensions())))
                elif isinstance(event, TextMessage):
                    conn.sendall(ws.send(TextMessage(data=event.data)))
                elif isinstance(event, BytesMessage):
                    conn.sendall(ws.send(BytesMessage(data=event.data)))
                elif isinstance(event, Ping):
                    conn.sendall(ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    conn.sendall(ws.send(event.response()))
                    return
    except OSError:
        return
    finally:
        conn.close()


def main() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print(server.getsockname()[1], flush=True)
    server.settimeout(600)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


main()
