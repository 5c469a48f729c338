/*
 * A batched UDP echo server: recvmmsg waits for a batch of 4 datagrams, then one sendmmsg sends each back to its
 * own sender, with the length it arrived with.
 *
 * usage: udp_batch_server PORT [BATCHES]
 *   PORT 0 lets the kernel choose; the port is printed as "listening on port N".
 *   BATCHES is how many batches to echo before exiting; 0 (the default) echoes forever.
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
    if (argc < 2) {
        fprintf(stderr, "usage: %s PORT [BATCHES]\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int batches = argc > 2 ? atoi(argv[2]) : 0;
    char bufs[VLEN][1024];
    struct iovec iovs[VLEN];
    struct sockaddr_in addrs[VLEN];
    struct mmsghdr msgs[VLEN];

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

    for (int echoed = 0; batches == 0 || echoed < batches; echoed++) {
        memset(msgs, 0, sizeof(msgs));
        for (int i = 0; i < VLEN; i++) {
            iovs[i].iov_base = bufs[i];
            iovs[i].iov_len = sizeof(bufs[i]);
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &addrs[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(addrs[i]);
        }
        int n = recvmmsg(sockfd, msgs, VLEN, 0, NULL);
        if (n < 0) { perror("recvmmsg"); return 1; }
        for (int i = 0; i < n; i++) {
            iovs[i].iov_len = msgs[i].msg_len; /* the name and its length are the sender's, as recvmmsg left them */
        }
        if (sendmmsg(sockfd, msgs, n, 0) < 0) { perror("sendmmsg"); return 1; }
    }
    close(sockfd);
    return 0;
}
