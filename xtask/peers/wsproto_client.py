"""Python `wsproto` (sans-IO) client driven over a plain socket.
usage: wsproto_client.py HOST PORT PATH"""
import socket
import sys

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage, RejectConnection


def main() -> int:
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sock = socket.create_connection((host, port), timeout=10)
    ws = WSConnection(ConnectionType.CLIENT)
    sock.sendall(ws.send(Request(host=f"{host}:{port}", target=path)))
    accepted = False
    while True:
        data = sock.recv(4096)
        if not data:
            return 1
        ws.receive_data(data)
        for event in ws.events():
            if isinstance(event, AcceptConnection):
                accepted = True
                sock.sendall(ws.send(TextMessage(data="hello from wsproto")))
            elif isinstance(event, RejectConnection):
                print(f"rejected {event.status_code}")
                return 1
            elif isinstance(event, TextMessage):
                print(f"accepted={accepted} reply={event.data}")
                return 0 if event.data == "hello from wsproto" else 1


sys.exit(main())
