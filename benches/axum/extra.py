#!/usr/bin/env python3
"""Points `wshake check` does not cover, for docs/axum.md. Standard library only.

  extra.py head PORT [LINE ...]   a valid upgrade request (RFC 6455 §1.3 key, version 13) with
                                  LINEs applied: "Name: v" replaces Name or appends it, "-Name"
                                  removes it, "method=POST" / "version=HTTP/1.0" /
                                  "target=/x" change the request line; prints the answer and
                                  when the server closed
  extra.py stall PORT SECS        half a request head, then wait: what the server did by SECS
  extra.py limits PORT            the status for heads padded with many or long headers, and
                                  for long request-targets, with the answer's body (whose
                                  limit it was: wshake's answers name it, hyper's are empty)
"""
import socket
import sys
import time


def request(port, changes=(), method="GET", version="HTTP/1.1", target="/"):
    lines = [("Host", f"127.0.0.1:{port}"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
             ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")]
    for change in changes:
        if change.startswith(("method=", "version=", "target=")):
            key, value = change.split("=", 1)
            if key == "method":
                method = value
            elif key == "version":
                version = value
            else:
                target = value
            continue
        if change.startswith("-"):
            lines = [line for line in lines if line[0].lower() != change[1:].lower()]
            continue
        name, value = change.split(":", 1)
        at = [i for i, line in enumerate(lines) if line[0].lower() == name.lower()]
        if at:
            lines[at[0]] = (name, value.strip())
        else:
            lines.append((name, value.strip()))
    head = f"{method} {target} {version}\r\n" + "".join(f"{n}: {v}\r\n" for n, v in lines) + "\r\n"
    return head.encode()


def head(port, changes):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request(port, changes))
    s.settimeout(3)
    start, data = time.monotonic(), b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                data += f"[closed after {time.monotonic() - start:.1f} s]".encode()
                break
            data += chunk
            if data.startswith(b"HTTP/1.1 101") and b"\r\n\r\n" in data:
                break
    except socket.timeout:
        data += b"[still open after 3 s]"
    print(data.decode("latin1").replace("\r", ""))


def stall(port, secs):
    s = socket.create_connection(("127.0.0.1", port))
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    s.settimeout(secs)
    try:
        data = s.recv(4096)
        what = data.split(b"\r\n")[0].decode() if data else "closed, nothing sent"
        print(f"after {time.monotonic() - start:.1f} s: {what}")
    except socket.timeout:
        print(f"after {secs:.0f} s: still open, nothing sent")


def answer(port, changes):
    """The status line and the first line of the body ("empty body" if none)."""
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(3)
    data = b""
    try:
        s.sendall(request(port, changes))
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while not head.startswith(b"HTTP/1.1 101") and len(body) < length:
            chunk = s.recv(4096)
            if not chunk:
                break
            body += chunk
    except OSError as error:
        return type(error).__name__
    status = head.split(b"\r\n")[0].decode() or "closed"
    if status.startswith("HTTP/1.1 101"):
        return status
    body = body.decode("latin1").strip().split("\n")[0]
    return f"{status} ({body!r})" if body else f"{status} (empty body)"


def limits(port):
    for count, size in [(64, 1000), (94, 10), (200, 10), (1, 60_000), (1, 400_000), (1, 1_000_000)]:
        pad = [f"X-Pad-{i}: {'p' * size}" for i in range(count)]
        total = count + 5
        size_kib = len(request(port, pad)) // 1024
        print(f"{total} header lines, {size_kib} KiB head: {answer(port, pad)}")
    for length in (10_000, 70_000):
        target = "/" + "t" * (length - 1)
        print(f"request-target of {length // 1000} kB: {answer(port, [f'target={target}'])}")


if __name__ == "__main__":
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "head":
        head(port, sys.argv[3:])
    elif command == "stall":
        stall(port, float(sys.argv[3]))
    elif command == "limits":
        limits(port)
    else:
        sys.exit(__doc__)
