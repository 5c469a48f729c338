/*
 * The classic client over IPv6: connect to HOST (such as ::1) and print what arrives until end of stream.
 *
 * usage: tcp6_hello_client HOST PORT
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
        fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
        return 2;
    }
    char recvBuff[1024];

    int sockfd = socket(AF_INET6, SOCK_STREAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_in6 serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin6_family = AF_INET6;
    serv_addr.sin6_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET6, argv[1], &serv_addr.sin6_addr) <= 0) { fprintf(stderr, "inet_pton: bad address %s\n", argv[1]); return 1; }

    if (connect(sockfd, (struct sockaddr *) &serv_addr, sizeof(serv_addr)) < 0) { perror("connect"); return 1; }

    ssize_t n;
    while ((n = read(sockfd, recvBuff, sizeof(recvBuff) - 1)) > 0) {
        fwrite(recvBuff, 1, n, stdout);
    }
    if (n < 0) { perror("read"); return 1; }
    close(sockfd);
    return 0;
}
