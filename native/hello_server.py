"""The seeds' Python server: answers each client's request with an HTTP "Hello there.".

usage: python3 hello_server.py PORT [CLIENTS]
  PORT 0 lets the kernel choose; the port is printed as "listening on port N".
  CLIENTS is how many clients to serve before exiting; 0 (the default) serves forever.
"""
import socket
import sys

HOST = ''
MAX_QUEUED_CONNECTIONS = 10
RESPONSE = b"""\
HTTP/1.1 200 OK

Hello there.
"""


def main():
    port = int(sys.argv[1])
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    listen_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listen_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listen_socket.bind((HOST, port))
    listen_socket.listen(MAX_QUEUED_CONNECTIONS)
    print('listening on port {}'.format(listen_socket.getsockname()[1]), flush=True)
    served = 0
    while clients == 0 or served < clients:
        client_connection, client_address = listen_socket.accept()
        request = client_connection.recv(1024)
        print('Request: {}'.format(request), file=sys.stderr)
        client_connection.sendall(RESPONSE)
        client_connection.close()
        served += 1
    listen_socket.close()


if __name__ == '__main__':
    main()
