#!/usr/bin/env python3
"""Shows the bytes librdkafka's mock cluster answers, field by field.

    test/interop/mock_answer_bytes.py BUILD_DIR [LIBRDKAFKA_DIR]

Starts BUILD_DIR/test/interop/mock_cluster_host (1 broker, topic "t"), with
LD_LIBRARY_PATH on LIBRDKAFKA_DIR when given (e.g.
~/.cache/sluice/librdkafka-newest: the mock of librdkafka 2.16), sends
Metadata v9, v12 and v13, InitProducerId v4 and Produce v10 (one record) over
a plain socket, and prints each answer's body in hex with how many of its
bytes Kafka's schema for that version accounts for. Needs a mock that
serves these versions (2.16 does; Debian's 2.0.2 serves Metadata <= v2 and
closes the connection). A reader written
separately from Sluice's decoders, so that a claim about the mock's bytes
(docs/PROTOCOL.md, "Bytes after a response") does not rest on them.
"""
import os
import socket
import struct
import subprocess
import sys


def uvarint(n):
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        if not n:
            return out + bytes([b])
        out += bytes([b | 0x80])


def zigzag(n):
    return uvarint((n << 1) ^ (n >> 63))


def crc32c(data):
    c = 0xFFFFFFFF
    for x in data:
        c ^= x
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xFFFFFFFF


class Body:
    def __init__(self, data):
        self.b, self.i = data, 0

    def take(self, n):
        if self.i + n > len(self.b):
            raise ValueError(f"the body ends at byte {len(self.b)}, a field needs {self.i + n}")
        v = self.b[self.i:self.i + n]
        self.i += n
        return v

    def int(self, fmt):
        return struct.unpack(">" + fmt, self.take(struct.calcsize(fmt)))[0]

    def uv(self):
        n = shift = 0
        while True:
            x = self.take(1)[0]
            n |= (x & 0x7F) << shift
            shift += 7
            if not x & 0x80:
                return n

    def count(self):  # compact array / string: length + 1, 0 = null
        return self.uv() - 1

    def string(self):
        n = self.count()
        return None if n < 0 else self.take(n).decode()

    def tags(self):
        for _ in range(self.uv()):
            self.uv()
            self.take(self.uv())


def metadata(b, v):
    b.int("i")  # throttle
    for _ in range(b.count()):
        b.int("i"), b.string(), b.int("i"), b.string(), b.tags()
    b.string(), b.int("i")  # cluster id, controller
    for _ in range(b.count()):
        b.int("h"), b.string()
        if v >= 10:
            b.take(16)
        b.take(1)
        for _ in range(b.count()):
            b.take(14)  # error, index, leader, leader epoch
            for _ in range(3):  # replicas, isr, offline
                b.take(4 * b.count())
            b.tags()
        b.int("i"), b.tags()
    if v <= 10:
        b.int("i")  # cluster authorized operations
    if v >= 13:
        b.int("h")
    b.tags()


def produce(b, v):
    for _ in range(b.count()):
        b.string()
        for _ in range(b.count()):
            b.take(30)  # index, error, base offset, log append time, log start offset
            for _ in range(b.count()):
                b.int("i"), b.string()
            b.string(), b.tags()
        b.tags()
    b.int("i"), b.tags()


def init_producer_id(b, v):
    b.take(16), b.tags()


def one_record_batch():
    record = b"\x00" + zigzag(0) + zigzag(0) + zigzag(-1) + zigzag(1) + b"v" + zigzag(0)
    record = zigzag(len(record)) + record
    after_crc = struct.pack(">hiqqqhii", 0, 0, 1000, 1000, -1, -1, -1, 1) + record
    tail = struct.pack(">ib", -1, 2) + struct.pack(">I", crc32c(after_crc)) + after_crc
    return struct.pack(">qi", 0, len(tail)) + tail


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    env = dict(os.environ)
    if len(sys.argv) == 3:
        env["LD_LIBRARY_PATH"] = sys.argv[2]
    host = subprocess.Popen([os.path.join(sys.argv[1], "test/interop/mock_cluster_host"), "1", "t:1"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    hostname, port = host.stdout.readline().split()[1].split(",")[0].rsplit(":", 1)
    host.stdin.write("version\n")
    host.stdin.flush()
    print("mock cluster on librdkafka", host.stdout.readline().split()[1])
    s = socket.create_connection((hostname, int(port)))

    def ask(key, version, body):  # request header v2, response header v1 (all flexible here)
        m = struct.pack(">hhih", key, version, 7, 4) + b"mock" + b"\x00" + body
        s.sendall(struct.pack(">i", len(m)) + m)
        n = struct.unpack(">i", s.recv(4, socket.MSG_WAITALL))[0]
        return s.recv(n, socket.MSG_WAITALL)[5:]  # after the correlation id and the header's tags

    batch = one_record_batch()
    asks = [("Metadata", 3, v, metadata,
             uvarint(2) + (b"\x00" * 16 if v >= 10 else b"") + uvarint(2) + b"t" + b"\x00"
             + b"\x00" + (b"\x00" if v <= 10 else b"") + b"\x00" + b"\x00") for v in (9, 12, 13)]
    asks.append(("InitProducerId", 22, 4, init_producer_id, b"\x00" + struct.pack(">iqh", 60000, -1, -1) + b"\x00"))
    asks.append(("Produce", 0, 10, produce,
                 b"\x00" + struct.pack(">hi", 1, 1000) + uvarint(2) + uvarint(2) + b"t" + uvarint(2)
                 + struct.pack(">i", 0) + uvarint(len(batch) + 1) + batch + b"\x00" + b"\x00" + b"\x00"))
    for name, key, version, read, request in asks:
        body = ask(key, version, request)
        b = Body(body)
        read(b, version)
        rest = body[b.i:]
        print(f"{name} v{version}: {len(body)} bytes, the schema accounts for {b.i}; after it: "
              f"{rest.hex() or 'nothing'}")
        print("  " + body.hex())
    host.stdin.close()
    host.wait()


if __name__ == "__main__":
    main()
