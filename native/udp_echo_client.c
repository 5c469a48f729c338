/*
 * A UDP echo client: sendto MESSAGE to the server, recvfrom the echo and print it.
 *
 * usage: udp_echo_client HOST PORT MESSAGE
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST PORT MESSAGE\n", argv[0]);
        return 2;
    }
    char buf[1024];

    int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_in serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin_family = AF_INET;
    serv_addr.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &serv_addr.sin_addr) <= 0) { fprintf(stderr, "inet_pton: bad address %s\n", argv[1]); return 1; }

    if (sendto(sockfd, argv[3], strlen(argv[3]), 0, (struct sockaddr *) &serv_addr, sizeof(serv_addr)) < 0) { perror("sendto"); return 1; }

    struct sockaddr_in from_addr;
    socklen_t from_len = sizeof(from_addr);
    ssize_t n = recvfrom(sockfd, buf, sizeof(buf), 0, (struct sockaddr *) &from_addr, &from_len);
    if (n < 0) { perror("recvfrom"); return 1; }
    fwrite(buf, 1, n, stdout);
    close(sockfd);
    return 0;
}
