/*
 * The descriptor-passing client: connect to PATH, write MESSAGE, receive one byte and a descriptor with recvmsg
 * (SCM_RIGHTS), then read the descriptor until its end and print what it held.
 *
 * usage: fd_pass_client PATH MESSAGE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s PATH MESSAGE\n", argv[0]);
        return 2;
    }
    char buf[1024];

    int sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (sockfd < 0) { perror("socket"); return 1; }

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(argv[1]) >= sizeof(addr.sun_path)) { fprintf(stderr, "path too long: %s\n", argv[1]); return 1; }
    strncpy(addr.sun_path, argv[1], sizeof(addr.sun_path) - 1);

    if (connect(sockfd, (struct sockaddr *) &addr, sizeof(addr)) < 0) { perror("connect"); return 1; }
    if (write(sockfd, argv[2], strlen(argv[2])) < 0) { perror("write"); return 1; }

    char byte;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    memset(&control, 0, sizeof(control));
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof(control.buf);
    ssize_t n = recvmsg(sockfd, &msg, 0);
    if (n < 0) { perror("recvmsg"); return 1; }
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    if (n != 1 || cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS
            || (msg.msg_flags & MSG_CTRUNC)) {
        fprintf(stderr, "no descriptor received\n");
        return 1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        fwrite(buf, 1, n, stdout);
    }
    if (n < 0) { perror("read"); return 1; }
    close(fd);
    close(sockfd);
    return 0;
}
