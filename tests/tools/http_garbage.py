#!/usr/bin/python3
# http_garbage.py PORT [N]: N (300) hostile requests to a metrics server on
# 127.0.0.1:PORT, seeded (the same every run): random bytes, valid requests
# with bytes flipped, oversized headers, requests cut short, NULs, bare
# newlines, pipelined requests.  Each connection is closed after the answer
# (or 3 s); every 50th keeps its end open, so an incomplete request
# there waits for the server's time limit.  Prints the count of each status line seen and "silent" for
# connections closed without an answer.  Exit 1 only if a connection was
# refused (the server died) or an answer is not HTTP.
import random
import socket
import sys

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
rnd = random.Random(15)
valid = [b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", b"HEAD /metrics HTTP/1.0\r\n\r\n"]

def request(i):
    kind = i % 8
    if kind == 0:
        return bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(0, 512)))
    if kind == 1:
        b = bytearray(rnd.choice(valid))
        for _ in range(rnd.randrange(1, 4)):
            b[rnd.randrange(len(b))] = rnd.getrandbits(8)
        return bytes(b)
    if kind == 2:
        return b"GET /metrics HTTP/1.1\r\nX: " + b"a" * rnd.randrange(2000, 9000) + b"\r\n\r\n"
    if kind == 3:
        v = rnd.choice(valid)
        return v[: rnd.randrange(len(v))]
    if kind == 4:
        return b"GET /metrics\x00 HTTP/1.1\r\n\r\n"
    if kind == 5:
        return b"\n" * rnd.randrange(1, 3000)
    if kind == 6:
        return rnd.choice(valid) * rnd.randrange(2, 20)
    return rnd.choice([b"PUT /metrics HTTP/1.1\r\n\r\n", b"GET /../../etc/passwd HTTP/1.1\r\n\r\n",
                       b"GET /metrics HTTP/9.9\r\n\r\n", b"\xff\xfe\xfd\r\n\r\n"])

seen = {}
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
    except OSError as e:
        print(f"connection {i}: {e}")
        sys.exit(1)
    try:
        s.sendall(request(i))
        # The end of what we send, except now and then: then the server
        # must give up on its own (its time limit) on an incomplete request.
        if i % 50 != 49:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while len(data) < 1 << 16:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass  # reset: the server closed with our bytes unread
    s.close()
    line = data.split(b"\r\n", 1)[0].decode("latin-1") if data else "silent"
    if data and not line.startswith("HTTP/1.1 "):
        print(f"connection {i}: not an HTTP answer: {line!r}")
        sys.exit(1)
    seen[line] = seen.get(line, 0) + 1
for k in sorted(seen):
    print(f"{seen[k]} {k}")
