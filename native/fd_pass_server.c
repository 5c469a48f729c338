/*
 * Descriptor passing over an AF_UNIX stream socket: for each client, accept, read its message, write the message
 * into one end of a new socket pair, close that end, and pass the other end back with sendmsg and one SCM_RIGHTS
 * control message (with one byte of data: a stream carries control data only along with data). The client reads
 * the message from the descriptor it received.
 *
 * usage: fd_pass_server PATH [CLIENTS]
 *   Prints "listening on PATH". CLIENTS 0 (the default) serves forever; the file is removed on exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH [CLIENTS]\n", argv[0]);
        return 2;
    }
    int clients = argc > 2 ? atoi(argv[2]) : 0;
    char buf[1024];

    int listenfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (listenfd < 0) { perror("socket"); return 1; }

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof(addr.sun_path)) { fprintf(stderr, "path too long: %s\n", argv[1]); return 1; }
    strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);

    unlink(argv[1]);
    if (bind(listenfd, (struct sockaddr *) &addr, sizeof(addr)) < 0) { perror("bind"); return 1; }
    if (listen(listenfd, 5) < 0) { perror("listen"); return 1; }
    printf("listening on %s\n", argv[1]);
    fflush(stdout);

    for (int served = 0; clients == 0 || served < clients; served++) {
        int connfd = accept(listenfd, NULL, NULL);
        if (connfd < 0) { perror("accept"); return 1; }
        ssize_t n = read(connfd, buf, sizeof(buf));
        if (n < 0) { perror("read"); n = 0; }

        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); return 1; }
        if (n > 0 && write(sv[0], buf, n) < 0) { perror("write"); }
        close(sv[0]);

        char byte = 'F';
        struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
        union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
        memset(&control, 0, sizeof(control));
        struct msghdr msg;
        memset(&msg, 0, sizeof(msg));
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &sv[1], sizeof(int));
        if (sendmsg(connfd, &msg, 0) < 0) { perror("sendmsg"); }

        close(sv[1]);
        close(connfd);
    }
    close(listenfd);
    unlink(argv[1]);
    return 0;
}
