/*
 * The classic "Hello there." server of the socket tutorials: socket, setsockopt(SO_REUSEADDR), bind to
 * INADDR_ANY, listen(10), then accept, write "Hello there.", close for each client.
 *
 * usage: tcp_hello_server PORT [CLIENTS]
 *   PORT 0 lets the kernel choose; the port is printed as "listening on port N".
 *   CLIENTS is how many clients to serve before exiting; 0 (the default) serves forever.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [CLIENTS]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int clients = argc > 2 ? atoi(argv[2]) : 0;
    char sendBuff[] = "Hello there.";

    int listenfd = socket(AF_INET, SOCK_STREAM, 0);
    if (listenfd < 0) { perror("socket"); return 1; }
    int optval = 1;
    if (setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, &optval, sizeof(optval)) < 0) { perror("setsockopt"); return 1; }

    struct sockaddr_in serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin_family = AF_INET;
    serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
    serv_addr.sin_port = htons(port);

    if (bind(listenfd, (struct sockaddr *) &serv_addr, sizeof(serv_addr)) < 0) { perror("bind"); return 1; }
    if (listen(listenfd, 10) < 0) { perror("listen"); return 1; }

    socklen_t len = sizeof(serv_addr);
    if (getsockname(listenfd, (struct sockaddr *) &serv_addr, &len) < 0) { perror("getsockname"); return 1; }
    printf("listening on port %d\n", ntohs(serv_addr.sin_port));
    fflush(stdout);

    for (int served = 0; clients == 0 || served < clients; served++) {
        int connectfd = accept(listenfd, NULL, NULL);
        if (connectfd < 0) { perror("accept"); return 1; }
        if (write(connectfd, sendBuff, strlen(sendBuff)) < 0) { perror("write"); }
        close(connectfd);
    }
    close(listenfd);
    return 0;
}
