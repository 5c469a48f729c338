/*
 * The C side of scripts/bench: the same workloads as the JMH benchmarks of src/bench/java, with the same
 * parameters, printing one JSON line per run. It is the physical limit on this machine: what the kernel allows
 * with no language in between.
 *
 * usage: bench WORKLOAD TRANSPORT SIZE SECONDS [WARMUP]
 *   pingpong tcp|unix SIZE   a SIZE-byte message and its echo, one at a time; round trips/s, RTT p50 and p99
 *   bulk     tcp|unix 65536  a stream of SIZE-byte writes, the reader discards; bytes/s
 *   udp-rr   udp      64     a SIZE-byte datagram and its echo; round trips/s
 *   udp-oneway udp    64     SIZE-byte datagrams one way; datagrams/s received
 *   connect  tcp|unix 0      connect + accept + close of both ends (the accepted one first); connections/s
 * The Unix transport uses a socket file in /tmp. Threads are not placed here; scripts/bench runs the program
 * under taskset like the JVM.
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

static const char *workload, *transport;
static int size;
static double seconds, warmup;
static struct sockaddr_storage where;
static socklen_t where_len;
static int listenfd;
static atomic_int stop;
static atomic_long received;

static void die(const char *what) { perror(what); exit(1); }

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int stream_socket(void) {
    int fd = socket(strcmp(transport, "unix") == 0 ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
    if (fd < 0) { die("socket"); }
    return fd;
}

static void nodelay(int fd) {
    int one = 1;
    if (strcmp(transport, "tcp") == 0) { setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); }
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

static int read_fully(int fd, char *buf, int n) {
    for (int got = 0; got < n; ) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r <= 0) { return 0; }
        got += r;
    }
    return 1;
}

static void *echo_stream(void *arg) {
    (void) arg;
    char *buf = malloc(size);
    int fd = accept(listenfd, NULL, NULL);
    if (fd < 0) { die("accept"); }
    nodelay(fd);
    while (read_fully(fd, buf, size) && send(fd, buf, size, MSG_NOSIGNAL) == size) { }
    close(fd);
    free(buf);
    return NULL;
}

static void *discard_stream(void *arg) {
    (void) arg;
    char *buf = malloc(65536);
    int fd = accept(listenfd, NULL, NULL);
    if (fd < 0) { die("accept"); }
    while (recv(fd, buf, 65536, 0) > 0) { }
    close(fd);
    free(buf);
    return NULL;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

static void report(long long ops, double secs, long long *lat, long n) {
    printf("{\"workload\":\"%s\",\"transport\":\"%s\",\"size\":%d,\"ops\":%lld,\"seconds\":%.3f,\"rate\":%.1f",
           workload, transport, size, ops, secs, ops / secs);
    if (lat != NULL && n > 0) {
        qsort(lat, n, sizeof(long long), cmp_ll);
        printf(",\"p50_ns\":%lld,\"p99_ns\":%lld", lat[n / 2], lat[(long) (n * 0.99)]);
    }
    printf("}\n");
}

static void pingpong(void) {
    listen_stream();
    pthread_t t;
    pthread_create(&t, NULL, echo_stream, NULL);
    int fd = stream_socket();
    if (connect(fd, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
    nodelay(fd);
    char *buf = calloc(1, size);
    long cap = 1 << 24, n = 0;
    long long *lat = malloc(cap * sizeof(long long));
    long long start = now_ns(), warm_end = start + (long long) (warmup * 1e9), end = warm_end + (long long) (seconds * 1e9);
    long long t0 = start, measured_start = 0;
    for (;;) {
        if (send(fd, buf, size, MSG_NOSIGNAL) != size || !read_fully(fd, buf, size)) { die("pingpong"); }
        long long t1 = now_ns();
        if (t1 >= warm_end) {
            if (measured_start == 0) { measured_start = t1; }
            else if (n < cap) { lat[n++] = t1 - t0; }
            if (t1 >= end) { break; }
        }
        t0 = t1;
    }
    report(n, (t0 - measured_start) / 1e9, lat, n);
    close(fd);
    pthread_join(t, NULL);
    close(listenfd);
}

static void bulk(void) {
    listen_stream();
    pthread_t reader;
    pthread_create(&reader, NULL, discard_stream, NULL);
    int fd = stream_socket();
    if (connect(fd, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
    char *buf = calloc(1, size);
    long long start = now_ns(), warm_end = start + (long long) (warmup * 1e9), measured_start = 0, bytes = 0, t = start;
    for (;;) {
        for (int sent = 0; sent < size; ) {
            ssize_t r = send(fd, buf + sent, size - sent, MSG_NOSIGNAL);
            if (r < 0) { die("send"); }
            sent += r;
        }
        t = now_ns();
        if (t >= warm_end) {
            if (measured_start == 0) { measured_start = t; }
            else { bytes += size; }
            if (t - measured_start >= seconds * 1e9) { break; }
        }
    }
    report(bytes / size, (t - measured_start) / 1e9, NULL, 0);
    close(fd);
    pthread_join(reader, NULL);
    close(listenfd);
}

static int udp_bound(struct sockaddr_in *addr) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { die("socket"); }
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(*addr);
    if (bind(fd, (struct sockaddr *) addr, len) < 0 || getsockname(fd, (struct sockaddr *) addr, &len) < 0) { die("bind"); }
    return fd;
}

static int udp_server;

static void *udp_echo(void *arg) {
    (void) arg;
    char buf[65536];
    struct sockaddr_storage from;
    for (;;) {
        socklen_t len = sizeof(from);
        ssize_t n = recvfrom(udp_server, buf, sizeof(buf), 0, (struct sockaddr *) &from, &len);
        if (n < 0) { if (errno == EAGAIN && atomic_load(&stop)) { return NULL; } continue; }
        sendto(udp_server, buf, n, 0, (struct sockaddr *) &from, len);
    }
}

static void *udp_count(void *arg) {
    (void) arg;
    char buf[65536];
    for (;;) {
        ssize_t n = recv(udp_server, buf, sizeof(buf), 0);
        if (n < 0) { if (atomic_load(&stop)) { return NULL; } continue; }
        atomic_fetch_add(&received, 1);
    }
}

static void udp(int oneway) {
    struct sockaddr_in server_addr, client_addr;
    udp_server = udp_bound(&server_addr);
    struct timeval tv = { 0, 100000 };
    setsockopt(udp_server, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int fd = udp_bound(&client_addr);
    pthread_t t;
    pthread_create(&t, NULL, oneway ? udp_count : udp_echo, NULL);
    char buf[65536];
    memset(buf, 'u', sizeof(buf));
    long long start = now_ns(), warm_end = start + (long long) (warmup * 1e9), measured_start = 0, t1 = start;
    long long ops = 0, received_at_start = 0;
    for (;;) {
        if (sendto(fd, buf, size, 0, (struct sockaddr *) &server_addr, sizeof(server_addr)) != size) { die("sendto"); }
        if (!oneway && recv(fd, buf, sizeof(buf), 0) != size) { die("recv"); }
        t1 = now_ns();
        if (t1 >= warm_end) {
            if (measured_start == 0) { measured_start = t1; received_at_start = atomic_load(&received); }
            else { ops++; }
            if (t1 - measured_start >= seconds * 1e9) { break; }
        }
    }
    if (oneway) { ops = atomic_load(&received) - received_at_start; }
    report(ops, (t1 - measured_start) / 1e9, NULL, 0);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    close(fd);
    close(udp_server);
}

static void connections(void) {
    listen_stream();
    long long start = now_ns(), warm_end = start + (long long) (warmup * 1e9), measured_start = 0, t = start, ops = 0;
    for (;;) {
        int c = stream_socket();
        if (connect(c, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
        int a = accept(listenfd, NULL, NULL);
        if (a < 0) { die("accept"); }
        close(a);
        close(c);
        t = now_ns();
        if (t >= warm_end) {
            if (measured_start == 0) { measured_start = t; }
            else { ops++; }
            if (t - measured_start >= seconds * 1e9) { break; }
        }
    }
    report(ops, (t - measured_start) / 1e9, NULL, 0);
    close(listenfd);
}

int main(int argc, char *argv[]) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s pingpong|bulk|udp-rr|udp-oneway|connect tcp|unix|udp SIZE SECONDS [WARMUP]\n", argv[0]);
        return 2;
    }
    workload = argv[1];
    transport = argv[2];
    size = atoi(argv[3]);
    seconds = atof(argv[4]);
    warmup = argc > 5 ? atof(argv[5]) : 1.0;
    if (strcmp(workload, "pingpong") == 0) { pingpong(); }
    else if (strcmp(workload, "bulk") == 0) { bulk(); }
    else if (strcmp(workload, "udp-rr") == 0) { udp(0); }
    else if (strcmp(workload, "udp-oneway") == 0) { udp(1); }
    else if (strcmp(workload, "connect") == 0) { connections(); }
    else { fprintf(stderr, "unknown workload %s\n", workload); return 2; }
    if (strcmp(transport, "unix") == 0) { unlink(((struct sockaddr_un *) &where)->sun_path); }
    return 0;
}
