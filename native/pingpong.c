/*
 * TCP ping-pong over loopback, the yardstick for the Java versions: a server thread echoes SIZE-byte
 * messages, the client thread sends one and waits for the whole echo, round after round. Both sockets have
 * TCP_NODELAY. After WARMUP seconds it counts round trips for SECONDS and prints
 * "round_trips=N seconds=S".
 *
 * usage: pingpong SECONDS [SIZE] [WARMUP]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int size = 1;
static int listenfd;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads exactly n bytes; 0 at end of stream. */
static int read_fully(int fd, char *buf, int n) {
    for (int got = 0; got < n; ) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0) { return 0; }
        got += r;
    }
    return 1;
}

static void *serve(void *arg) {
    (void) arg;
    char buf[65536];
    int fd = accept(listenfd, NULL, NULL);
    if (fd < 0) { perror("accept"); exit(1); }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    while (read_fully(fd, buf, size)) {
        if (send(fd, buf, size, MSG_NOSIGNAL) != size) { break; }
    }
    close(fd);
    return NULL;
}

int main(int argc, char *argv[]) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SECONDS [SIZE] [WARMUP]\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    size = argc > 2 ? atoi(argv[2]) : 1;
    double warmup = argc > 3 ? atof(argv[3]) : 0.5;
    if (size < 1 || size > 65536) { fprintf(stderr, "SIZE must be 1 to 65536\n"); return 2; }

    listenfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(listenfd, (struct sockaddr *) &addr, sizeof(addr)) < 0 || listen(listenfd, 1) < 0
            || getsockname(listenfd, (struct sockaddr *) &addr, &len) < 0) { perror("listen"); return 1; }

    pthread_t server;
    pthread_create(&server, NULL, serve, NULL);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) { perror("connect"); return 1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    char buf[65536];
    memset(buf, 'p', sizeof(buf));
    long trips = 0;
    double start = now(), measured = 0;
    int measuring = 0;
    for (;;) {
        if (send(fd, buf, size, MSG_NOSIGNAL) != size || !read_fully(fd, buf, size)) { perror("ping"); return 1; }
        trips++;
        if ((trips & 63) == 0) {
            double t = now();
            if (!measuring && t - start >= warmup) { measuring = 1; trips = 0; start = t; }
            else if (measuring && t - start >= seconds) { measured = t - start; break; }
        }
    }
    printf("round_trips=%ld seconds=%.3f\n", trips, measured);
    close(fd);
    pthread_join(server, NULL);
    close(listenfd);
    return 0;
}
