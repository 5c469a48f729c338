/*
 * The classic client: socket, connect, then read until end of stream and print what arrived.
 *
 * usage: tcp_hello_client HOST PORT [REQUEST]
 *   HOST is an IPv4 address such as 127.0.0.1. With REQUEST, it is written before reading (what an HTTP
 *   server such as the Python one of the seeds waits for).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [REQUEST]\n", argv[0]);
        return 2;
    }
    char recvBuff[1024];

    int sockfd = socket(AF_INET, SOCK_STREAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_in serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin_family = AF_INET;
    serv_addr.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &serv_addr.sin_addr) <= 0) { fprintf(stderr, "inet_pton: bad address %s\n", argv[1]); return 1; }

    if (connect(sockfd, (struct sockaddr *) &serv_addr, sizeof(serv_addr)) < 0) { perror("connect"); return 1; }
    if (argc > 3 && write(sockfd, argv[3], strlen(argv[3])) < 0) { perror("write"); return 1; }

    ssize_t n;
    while ((n = read(sockfd, recvBuff, sizeof(recvBuff) - 1)) > 0) {
        fwrite(recvBuff, 1, n, stdout);
    }
    if (n < 0) { perror("read"); return 1; }
    close(sockfd);
    return 0;
}
