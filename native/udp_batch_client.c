/*
 * The batched UDP client: one sendmmsg sends each of its 4 MESSAGE arguments as a datagram, one recvmmsg waits
 * for the 4 echoes, and each is printed on a line of its own.
 *
 * usage: udp_batch_client HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VLEN 4

int main(int argc, char *argv[]) {
    if (argc != 3 + VLEN) {
        fprintf(stderr, "usage: %s HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE\n", argv[0]);
        return 2;
    }
    char bufs[VLEN][1024];
    struct iovec iovs[VLEN];
    struct mmsghdr msgs[VLEN];

    int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_in serv_addr;
    memset(&serv_addr, 0, sizeof(serv_addr));
    serv_addr.sin_family = AF_INET;
    serv_addr.sin_port = htons(atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &serv_addr.sin_addr) <= 0) { fprintf(stderr, "inet_pton: bad address %s\n", argv[1]); return 1; }

    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < VLEN; i++) {
        iovs[i].iov_base = argv[3 + i];
        iovs[i].iov_len = strlen(argv[3 + i]);
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &serv_addr;
        msgs[i].msg_hdr.msg_namelen = sizeof(serv_addr);
    }
    int n = sendmmsg(sockfd, msgs, VLEN, 0);
    if (n < 0) { perror("sendmmsg"); return 1; }
    if (n < VLEN) { fprintf(stderr, "sendmmsg sent %d of %d\n", n, VLEN); return 1; }

    memset(msgs, 0, sizeof(msgs));
    for (int i = 0; i < VLEN; i++) {
        iovs[i].iov_base = bufs[i];
        iovs[i].iov_len = sizeof(bufs[i]);
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    n = recvmmsg(sockfd, msgs, VLEN, 0, NULL);
    if (n < 0) { perror("recvmmsg"); return 1; }
    for (int i = 0; i < n; i++) {
        fwrite(bufs[i], 1, msgs[i].msg_len, stdout);
        fputc('\n', stdout);
    }
    close(sockfd);
    return 0;
}
