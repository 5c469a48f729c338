"""A Python client for the "Hello there." servers: connect, optionally send a request, print what arrives
until end of stream.

usage: python3 hello_client.py HOST PORT [REQUEST]
"""
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.connect((host, port))
        if len(sys.argv) > 3:
            s.sendall(sys.argv[3].encode())
        chunks = []
        while True:
            data = s.recv(1024)
            if not data:
                break
            chunks.append(data)
    sys.stdout.buffer.write(b''.join(chunks))


if __name__ == '__main__':
    main()
