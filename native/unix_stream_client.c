/*
 * An AF_UNIX stream client: connect to PATH, write MESSAGE, then read until end of stream and print it.
 *
 * usage: unix_stream_client PATH MESSAGE
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

    ssize_t n;
    while ((n = read(sockfd, buf, sizeof(buf))) > 0) {
        fwrite(buf, 1, n, stdout);
    }
    if (n < 0) { perror("read"); return 1; }
    close(sockfd);
    return 0;
}
