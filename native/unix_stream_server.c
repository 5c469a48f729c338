/*
 * An AF_UNIX stream echo server on a path in the file system: socket, unlink the old file, bind, listen(5),
 * then for each client accept, read one message, write it back, close.
 *
 * usage: unix_stream_server PATH [CLIENTS]
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
        if (n < 0) { perror("read"); }
        if (n > 0 && write(connfd, buf, n) < 0) { perror("write"); }
        close(connfd);
    }
    close(listenfd);
    unlink(argv[1]);
    return 0;
}
