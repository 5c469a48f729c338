/*
 * The C side of scripts/bench: the same workloads as the JMH benchmarks of src/bench/java, with the same
 * parameters. It is the physical limit on this machine: what the kernel allows with no language in between.
 *
 * usage: bench WORKLOAD TRANSPORT SIZE SECONDS [WARMUP]     one window, one JSON line
 *        bench serve WORKLOAD TRANSPORT SIZE WARMUP           sets up, warms up, prints "ready", then answers
 *                                                             "window SECONDS" with a JSON line, "percentiles"
 *                                                             with the round-trip times of every window so far,
 *                                                             and "quit"
 *   pingpong   tcp|unix SIZE   a SIZE-byte message and its echo, one at a time; round trips/s, RTT p50 and p99
 *   bulk       tcp|unix 65536  a stream of SIZE-byte writes, the reader discards; writes/s
 *   udp-rr     udp      64     a SIZE-byte datagram and its echo; round trips/s
 *   udp-oneway udp      64     SIZE-byte datagrams one way, paced by the receiver: after every 32 the sender waits
 *                              for the receiver's acknowledgement of all 32 (no datagram is dropped, so the rate
 *                              answers to both ends); datagrams/s
 *   connect    tcp|unix 0      connect + accept + close of both ends (the accepted one first); connections/s
 * The serving form lets scripts/bench measure C in windows interleaved with the Java implementations', each
 * window paired with the Java one next to it. The Unix transport uses a socket file in /tmp. Threads are not
 * placed here; scripts/bench runs the program under taskset like the JVM.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CREDIT 32

static const char *workload, *transport;
static int size;
static struct sockaddr_storage where;
static socklen_t where_len;
static int listenfd, fd, udp_server, oneway;
static pthread_t other;
static char *buf;
static struct sockaddr_in server_addr;
static long long *lat;
static long lat_cap = 1 << 24, lat_n;

static void die(const char *what) { perror(what); exit(1); }

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int stream_socket(void) {
    int s = socket(strcmp(transport, "unix") == 0 ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (s < 0) { die("socket"); }
    return s;
}

static void nodelay(int s) {
    int one = 1;
    if (strcmp(transport, "tcp") == 0) { setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); }
}

/* A listening socket on 127.0.0.1 (any port) or on a fresh path in /tmp; its address in where. */
static void listen_stream(void) {
    listenfd = stream_socket();
    memset(&where, 0, sizeof(where));
    if (strcmp(transport, "unix") == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *) &where;
        un->sun_family = AF_UNIX;
        snprintf(un->sun_path, sizeof(un->sun_path), "/tmp/ffm-bench-%d.sock", getpid());
        unlink(un->sun_path);
        where_len = sizeof(struct sockaddr_un);
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *) &where;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        where_len = sizeof(struct sockaddr_in);
    }
    if (bind(listenfd, (struct sockaddr *) &where, where_len) < 0) { die("bind"); }
    if (listen(listenfd, 128) < 0) { die("listen"); }
    if (getsockname(listenfd, (struct sockaddr *) &where, &where_len) < 0) { die("getsockname"); }
}

static int read_fully(int s, char *b, int n) {
    for (int got = 0; got < n; ) {
        ssize_t r = recv(s, b + got, n - got, 0);
        if (r <= 0) { return 0; }
        got += r;
    }
    return 1;
}

static void *echo_stream(void *arg) {
    (void) arg;
    char *b = malloc(size);
    int s = accept(listenfd, NULL, NULL);
    if (s < 0) { die("accept"); }
    nodelay(s);
    while (read_fully(s, b, size) && send(s, b, size, MSG_NOSIGNAL) == size) { }
    close(s);
    free(b);
    return NULL;
}

static void *discard_stream(void *arg) {
    (void) arg;
    char *b = malloc(65536);
    int s = accept(listenfd, NULL, NULL);
    if (s < 0) { die("accept"); }
    while (recv(s, b, 65536, 0) > 0) { }
    close(s);
    free(b);
    return NULL;
}

static int udp_bound(struct sockaddr_in *addr) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) { die("socket"); }
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(*addr);
    if (bind(s, (struct sockaddr *) addr, len) < 0 || getsockname(s, (struct sockaddr *) addr, &len) < 0) { die("bind"); }
    return s;
}

/* The other end of udp-rr (echo every datagram) or udp-oneway (acknowledge every CREDIT); ends at a 0-byte one. */
static void *udp_peer(void *arg) {
    (void) arg;
    char b[65536];
    struct sockaddr_storage from;
    for (long n = 0; ; ) {
        socklen_t len = sizeof(from);
        ssize_t r = recvfrom(udp_server, b, sizeof(b), 0, (struct sockaddr *) &from, &len);
        if (r < 0) { die("recvfrom"); }
        if (r == 0) { return NULL; }
        if (!oneway || ++n % CREDIT == 0) {
            sendto(udp_server, b, oneway ? 1 : (size_t) r, 0, (struct sockaddr *) &from, len);
        }
    }
}

static void setup(void) {
    buf = calloc(1, size > 65536 ? size : 65536);
    if (strcmp(workload, "pingpong") == 0 || strcmp(workload, "bulk") == 0) {
        listen_stream();
        pthread_create(&other, NULL, strcmp(workload, "bulk") == 0 ? discard_stream : echo_stream, NULL);
        fd = stream_socket();
        if (connect(fd, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
        nodelay(fd);
    } else if (strncmp(workload, "udp", 3) == 0) {
        struct sockaddr_in client_addr;
        oneway = strcmp(workload, "udp-oneway") == 0;
        udp_server = udp_bound(&server_addr);
        fd = udp_bound(&client_addr);
        pthread_create(&other, NULL, udp_peer, NULL);
    } else if (strcmp(workload, "connect") == 0) {
        listen_stream();
    } else {
        fprintf(stderr, "unknown workload %s\n", workload);
        exit(2);
    }
}

/* One operation of the workload. */
static void op(long long i) {
    switch (workload[0]) {
        case 'p':
            if (send(fd, buf, size, MSG_NOSIGNAL) != size || !read_fully(fd, buf, size)) { die("pingpong"); }
            break;
        case 'b':
            for (int sent = 0; sent < size; ) {
                ssize_t r = send(fd, buf + sent, size - sent, MSG_NOSIGNAL);
                if (r < 0) { die("send"); }
                sent += r;
            }
            break;
        case 'u':
            if (sendto(fd, buf, size, 0, (struct sockaddr *) &server_addr, sizeof(server_addr)) != size) { die("sendto"); }
            if ((!oneway || (i + 1) % CREDIT == 0) && recv(fd, buf, 65536, 0) < 0) { die("recv"); }
            break;
        default: {
            int c = stream_socket();
            if (connect(c, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
            int a = accept(listenfd, NULL, NULL);
            if (a < 0) { die("accept"); }
            close(a);
            close(c);
        }
    }
}

/* Runs the workload for about the given seconds; prints a JSON line unless quiet. A one-way window ends on a
 * whole credit, so that no datagram is in flight between windows. */
static void window(double seconds, int quiet) {
    long long ops = 0, start = now_ns(), t0 = start, t1 = start, end = start + (long long) (seconds * 1e9);
    int timed = workload[0] == 'p';
    do {
        op(ops++);
        t1 = now_ns();
        if (timed && !quiet && lat_n < lat_cap) { lat[lat_n++] = t1 - t0; }
        t0 = t1;
    } while (t1 < end || (oneway && ops % CREDIT != 0));
    if (!quiet) {
        printf("{\"workload\":\"%s\",\"transport\":\"%s\",\"size\":%d,\"ops\":%lld,\"seconds\":%.3f,\"rate\":%.1f}\n",
               workload, transport, size, ops, (t1 - start) / 1e9, ops / ((t1 - start) / 1e9));
        fflush(stdout);
    }
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

static void percentiles(void) {
    if (lat_n == 0) { printf("{}\n"); fflush(stdout); return; }
    qsort(lat, lat_n, sizeof(long long), cmp_ll);
    printf("{\"samples\":%ld,\"p50_ns\":%lld,\"p99_ns\":%lld}\n", lat_n, lat[lat_n / 2], lat[(long) (lat_n * 0.99)]);
    fflush(stdout);
}

static void teardown(void) {
    if (workload[0] == 'u') {
        sendto(fd, buf, 0, 0, (struct sockaddr *) &server_addr, sizeof(server_addr));
        pthread_join(other, NULL);
        close(udp_server);
        close(fd);
    } else if (workload[0] != 'c') {
        close(fd);
        pthread_join(other, NULL);
        close(listenfd);
    } else {
        close(listenfd);
    }
    if (strcmp(transport, "unix") == 0) { unlink(((struct sockaddr_un *) &where)->sun_path); }
}

int main(int argc, char *argv[]) {
    int serve = argc > 1 && strcmp(argv[1], "serve") == 0;
    if (argc < 5 + serve) {
        fprintf(stderr, "usage: %s pingpong|bulk|udp-rr|udp-oneway|connect tcp|unix|udp SIZE SECONDS [WARMUP]\n"
                        "       %s serve WORKLOAD TRANSPORT SIZE WARMUP\n", argv[0], argv[0]);
        return 2;
    }
    workload = argv[1 + serve];
    transport = argv[2 + serve];
    size = atoi(argv[3 + serve]);
    double warmup = serve ? atof(argv[5]) : argc > 5 ? atof(argv[5]) : 1.0;
    lat = malloc(lat_cap * sizeof(long long));
    setup();
    window(warmup, 1);
    if (!serve) {
        window(atof(argv[4]), 0);
        percentiles();
    } else {
        printf("ready\n");
        fflush(stdout);
        char line[128];
        while (fgets(line, sizeof(line), stdin) != NULL) {
            if (strncmp(line, "window ", 7) == 0) { window(atof(line + 7), 0); }
            else if (strncmp(line, "percentiles", 11) == 0) { percentiles(); }
            else { break; }
        }
    }
    teardown();
    return 0;
}
