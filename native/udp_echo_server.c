/*
 * A UDP echo server: recvfrom a datagram, sendto it back to the sender's address.
 *
 * usage: udp_echo_server PORT [DATAGRAMS]
 *   PORT 0 lets the kernel choose; the port is printed as "listening on port N".
 *   DATAGRAMS is how many to echo before exiting; 0 (the default) echoes forever.
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
        fprintf(stderr, "usage: %s PORT [DATAGRAMS]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int datagrams = argc > 2 ? atoi(argv[2]) : 0;
    char buf[1024];

    int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_in serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin_family = AF_INET;
    serv_addr.sin_addr.s_addr = htonl(INADDR_ANY);
    serv_addr.sin_port = htons(port);
    if (bind(sockfd, (struct sockaddr *) &serv_addr, sizeof(serv_addr)) < 0) { perror("bind"); return 1; }

    socklen_t len = sizeof(serv_addr);
    if (getsockname(sockfd, (struct sockaddr *) &serv_addr, &len) < 0) { perror("getsockname"); return 1; }
    printf("listening on port %d\n", ntohs(serv_addr.sin_port));
    fflush(stdout);

    for (int echoed = 0; datagrams == 0 || echoed < datagrams; echoed++) {
        struct sockaddr_in cli_addr;
        socklen_t cli_len = sizeof(cli_addr);
        ssize_t n = recvfrom(sockfd, buf, sizeof(buf), 0, (struct sockaddr *) &cli_addr, &cli_len);
        if (n < 0) { perror("recvfrom"); return 1; }
        if (sendto(sockfd, buf, n, 0, (struct sockaddr *) &cli_addr, cli_len) < 0) { perror("sendto"); return 1; }
    }
    close(sockfd);
    return 0;
}
