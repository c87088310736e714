"""Python `wsproto` (sans-IO) echo server over plain sockets; prints its port first."""
import socket
import threading

from wsproto import ConnectionType, WSConnection
from wsproto.events import (AcceptConnection, CloseConnection, Message, Ping, Request,
                            TextMessage, BytesMessage)


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
                    conn.sendall(ws.send(AcceptConnection()))
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
