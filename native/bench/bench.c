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
 * W6, batched UDP: an operation is DEPTH (64) datagrams of SIZE bytes; the rate is in operations/s.
 *   udp-batch-rr     udp SIZE  DEPTH requests in flight, sent with sendmmsg, answered by an echo that receives
 *                              with recvmmsg(MSG_WAITFORONE) and answers what it got with one sendmmsg
 *   udp-each-rr      udp SIZE  the same with one system call per datagram at both ends (sendto, recv; recvmsg, sendmsg)
 *   udp-batch-oneway udp SIZE  DEPTH datagrams one way with sendmmsg, then the receiver's acknowledgement
 *                              (it receives with recvmmsg and acknowledges every DEPTH)
 *   udp-each-oneway  udp SIZE  the same with one system call per datagram
 *   udp-gso-oneway   udp SIZE  the same with UDP GSO: one sendmmsg of DEPTH / GSO_SEGS buffers, each cut into
 *                              GSO_SEGS datagrams by the kernel (UDP_SEGMENT); the receiver has UDP_GRO on, takes
 *                              up to GRO_SLOTS buffers per recvmmsg and counts the segments of what it gets
 * W8, transfers: an operation moves SIZE bytes (1 MiB); the rate is in operations/s.
 *   relay        tcp|unix SIZE  a source thread writes 64 KiB writes into connection A, the relay (the measured
 *                               thread) copies A to connection B through a 64 KiB buffer (read, write), a sink
 *                               thread discards
 *   relay-splice tcp|unix SIZE  the same, the relay splicing A into a pipe and the pipe into B
 *   file         tcp      SIZE  a SIZE-byte file sent whole over a connection to a discarding sink: pread and
 *                               send through a 64 KiB buffer
 *   file-sendfile tcp     SIZE  the same with sendfile
 *   fdpass       unix     1     one descriptor passed over a socket pair and closed by its receiver, on one
 *                               thread: sendmsg of 1 byte and SCM_RIGHTS, recvmsg (MSG_CMSG_CLOEXEC), close;
 *                               descriptors/s
 * The serving form lets scripts/bench measure C in windows interleaved with the Java implementations', each
 * window paired with the Java one next to it. The Unix transport uses a socket file in /tmp. Threads are not
 * placed here; scripts/bench runs the program under taskset like the JVM.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CREDIT 32
#define DEPTH 64
#define GSO_SEGS 32
#define GRO_SLOT 65535
#define GRO_SLOTS 8

static const char *workload, *transport;
static int size;
static struct sockaddr_storage where;
static socklen_t where_len;
static int listenfd, fd, udp_server, oneway;
static char w6;                 /* W6: 'b' batches, 'e' one call per datagram, 'g' GSO/GRO; 0 for the others */
static int w6_oneway;
static struct mmsghdr out_msgs[DEPTH], in_msgs[DEPTH];
static struct iovec out_iov[DEPTH], in_iov[DEPTH];
static char *in_bufs;
static char w8;                 /* W8: 'r' relay, 's' relay by splice, 'f' file, 'F' file by sendfile, 'd' fdpass */
static int fdpair[2];
static int relay_in, relay_out, pipefd[2], filefd, listen2;
static pthread_t source, sink;
static char file_path[64];
static struct sockaddr_storage where2;
static socklen_t where2_len;
static struct mmsghdr gso_msgs[DEPTH / GSO_SEGS];
static struct iovec gso_iov[DEPTH / GSO_SEGS];
static union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } gso_control[DEPTH / GSO_SEGS];
static pthread_t other;
static char *buf;
static struct sockaddr_in server_addr;
static long long *lat;
static long lat_cap = 1 << 24, lat_n;

static void die(const char *what) { perror(what); exit(1); }

/* Every data buffer starts on a page and is touched before use. Where a buffer starts within its page changes the
 * kernel's copies on this kind of CPU markedly (a 1 MiB calloc starts 16 bytes into a page and made the W8 copy
 * loops up to 2x slower), so the harness does not leave it to the allocator. */
static char *buffer(size_t n) {
    char *b = aligned_alloc(4096, (n + 4095) / 4096 * 4096);
    if (b == NULL) { die("aligned_alloc"); }
    memset(b, 0, n);
    return b;
}

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

/* A listening socket on 127.0.0.1 (any port) or on a fresh path in /tmp (named by suffix); its address in *w. */
static int listen_at(struct sockaddr_storage *w, socklen_t *w_len, const char *suffix) {
    int l = stream_socket();
    memset(w, 0, sizeof(*w));
    if (strcmp(transport, "unix") == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *) w;
        un->sun_family = AF_UNIX;
        snprintf(un->sun_path, sizeof(un->sun_path), "/tmp/ffm-bench-%d%s.sock", getpid(), suffix);
        unlink(un->sun_path);
        *w_len = sizeof(struct sockaddr_un);
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *) w;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *w_len = sizeof(struct sockaddr_in);
    }
    if (bind(l, (struct sockaddr *) w, *w_len) < 0) { die("bind"); }
    if (listen(l, 128) < 0) { die("listen"); }
    if (getsockname(l, (struct sockaddr *) w, w_len) < 0) { die("getsockname"); }
    return l;
}

static void listen_stream(void) {
    listenfd = listen_at(&where, &where_len, "");
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
    char *b = buffer(size);
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
    char *b = buffer(65536);
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

static void big_buffers(int s) {
    int n = 1 << 20;
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n));
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &n, sizeof(n));
}

/* n receive slots of slot bytes each (with room for a sender's name and a GRO control message), over bufs. */
static void receive_slots(struct mmsghdr *m, struct iovec *v, char *bufs, int n, size_t slot,
                          struct sockaddr_storage *names, char (*controls)[64]) {
    memset(m, 0, n * sizeof(*m));
    for (int i = 0; i < n; i++) {
        v[i].iov_base = bufs + i * slot;
        v[i].iov_len = slot;
        m[i].msg_hdr.msg_iov = &v[i];
        m[i].msg_hdr.msg_iovlen = 1;
        if (names != NULL) {
            m[i].msg_hdr.msg_name = &names[i];
            m[i].msg_hdr.msg_namelen = sizeof(names[i]);
        }
        if (controls != NULL) {
            m[i].msg_hdr.msg_control = controls[i];
            m[i].msg_hdr.msg_controllen = sizeof(controls[i]);
        }
    }
}

/* How many datagrams a received message holds: its GRO segments, or one. */
static long segments(struct msghdr *h, unsigned len) {
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
            int seg;
            memcpy(&seg, CMSG_DATA(c), sizeof(seg));
            return seg > 0 ? (len + seg - 1) / seg : 1;
        }
    }
    return 1;
}

/* The other end of W6: echoes (rr) or acknowledges every DEPTH (one way); ends at a 0-byte datagram. */
static void *w6_peer(void *arg) {
    (void) arg;
    size_t slot = w6 == 'g' ? GRO_SLOT : (size_t) size;
    int slots = w6 == 'g' ? GRO_SLOTS : w6 == 'e' ? 1 : DEPTH;
    char *bufs = buffer(slots * slot);
    static struct mmsghdr m[DEPTH];
    static struct iovec v[DEPTH];
    static struct sockaddr_storage names[DEPTH];
    static char controls[DEPTH][64];
    char ack = 'A';
    for (long count = 0; ; ) {
        receive_slots(m, v, bufs, slots, slot, names, controls);
        int n = w6 == 'e' ? 1 : recvmmsg(udp_server, m, slots, MSG_WAITFORONE, NULL);
        if (w6 == 'e') {
            ssize_t r = recvmsg(udp_server, &m[0].msg_hdr, 0);
            if (r < 0) { die("recvmsg"); }
            m[0].msg_len = r;
        }
        if (n < 0) { die("recvmmsg"); }
        for (int i = 0; i < n; i++) {
            if (m[i].msg_len == 0) { free(bufs); return NULL; }
        }
        if (!w6_oneway) {
            for (int i = 0; i < n; i++) {
                v[i].iov_len = m[i].msg_len;
                m[i].msg_hdr.msg_control = NULL;
                m[i].msg_hdr.msg_controllen = 0;
            }
            if (w6 == 'e') {
                if (sendmsg(udp_server, &m[0].msg_hdr, 0) < 0) { die("sendmsg"); }
            } else {
                for (int sent = 0; sent < n; ) {
                    int r = sendmmsg(udp_server, m + sent, n - sent, 0);
                    if (r < 0) { die("sendmmsg"); }
                    sent += r;
                }
            }
            continue;
        }
        for (int i = 0; i < n; i++) {
            count += segments(&m[i].msg_hdr, m[i].msg_len);
        }
        for (; count >= DEPTH; count -= DEPTH) {
            if (sendto(udp_server, &ack, 1, 0, (struct sockaddr *) &names[n - 1], m[n - 1].msg_hdr.msg_namelen) < 0) {
                die("sendto");
            }
        }
    }
}

/* One W6 operation: DEPTH datagrams out, and DEPTH echoes or one acknowledgement back. */
static void w6_op(void) {
    if (w6 == 'g') {
        for (int sent = 0; sent < DEPTH / GSO_SEGS; ) {
            int r = sendmmsg(fd, gso_msgs + sent, DEPTH / GSO_SEGS - sent, 0);
            if (r < 0) { die("sendmmsg UDP_SEGMENT"); }
            sent += r;
        }
    } else if (w6 == 'e') {
        for (int i = 0; i < DEPTH; i++) {
            if (sendto(fd, buf, size, 0, (struct sockaddr *) &server_addr, sizeof(server_addr)) != size) { die("sendto"); }
        }
    } else {
        for (int sent = 0; sent < DEPTH; ) {
            int r = sendmmsg(fd, out_msgs + sent, DEPTH - sent, 0);
            if (r < 0) { die("sendmmsg"); }
            sent += r;
        }
    }
    if (w6_oneway) {
        if (recv(fd, in_bufs, size, 0) < 0) { die("recv"); }
        return;
    }
    for (int got = 0; got < DEPTH; ) {
        if (w6 == 'e') {
            if (recv(fd, in_bufs, size, 0) < 0) { die("recv"); }
            got++;
        } else {
            receive_slots(in_msgs, in_iov, in_bufs, DEPTH - got, size, NULL, NULL);
            int n = recvmmsg(fd, in_msgs, DEPTH - got, MSG_WAITFORONE, NULL);
            if (n < 0) { die("recvmmsg"); }
            got += n;
        }
    }
}

static void setup_w6(void) {
    struct sockaddr_in client_addr;
    w6 = strncmp(workload, "udp-each", 8) == 0 ? 'e' : strncmp(workload, "udp-gso", 7) == 0 ? 'g' : 'b';
    w6_oneway = strstr(workload, "oneway") != NULL;
    udp_server = udp_bound(&server_addr);
    fd = udp_bound(&client_addr);
    big_buffers(udp_server);
    big_buffers(fd);
    if (w6 == 'g') {
        int one = 1;
        if (setsockopt(udp_server, SOL_UDP, UDP_GRO, &one, sizeof(one)) < 0) { die("setsockopt UDP_GRO"); }
    }
    in_bufs = buffer((size_t) DEPTH * size);
    memset(out_msgs, 0, sizeof(out_msgs));
    for (int i = 0; i < DEPTH; i++) {
        out_iov[i].iov_base = buf;
        out_iov[i].iov_len = size;
        out_msgs[i].msg_hdr.msg_iov = &out_iov[i];
        out_msgs[i].msg_hdr.msg_iovlen = 1;
        out_msgs[i].msg_hdr.msg_name = &server_addr;
        out_msgs[i].msg_hdr.msg_namelen = sizeof(server_addr);
    }
    memset(gso_msgs, 0, sizeof(gso_msgs));
    for (int i = 0; i < DEPTH / GSO_SEGS; i++) {
        gso_iov[i].iov_base = buf;
        gso_iov[i].iov_len = (size_t) size * GSO_SEGS;
        struct msghdr *h = &gso_msgs[i].msg_hdr;
        h->msg_name = &server_addr;
        h->msg_namelen = sizeof(server_addr);
        h->msg_iov = &gso_iov[i];
        h->msg_iovlen = 1;
        h->msg_control = gso_control[i].buf;
        h->msg_controllen = sizeof(gso_control[i].buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(h);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t seg = size;
        memcpy(CMSG_DATA(c), &seg, sizeof(seg));
    }
    pthread_create(&other, NULL, w6_peer, NULL);
}

static void *source_stream(void *arg) {
    (void) arg;
    char *b = buffer(65536);
    int s = accept(listenfd, NULL, NULL);
    if (s < 0) { die("accept"); }
    while (send(s, b, 65536, MSG_NOSIGNAL) > 0) { }
    close(s);
    free(b);
    return NULL;
}

static void *sink_stream(void *arg) {
    (void) arg;
    char *b = buffer(65536);
    int s = accept(listen2, NULL, NULL);
    if (s < 0) { die("accept"); }
    while (recv(s, b, 65536, 0) > 0) { }
    close(s);
    free(b);
    return NULL;
}

static void setup_w8(void) {
    w8 = strcmp(workload, "relay") == 0 ? 'r' : strcmp(workload, "relay-splice") == 0 ? 's'
       : strcmp(workload, "file") == 0 ? 'f' : strcmp(workload, "fdpass") == 0 ? 'd' : 'F';
    if (w8 == 'd') {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fdpair) < 0 || pipe2(pipefd, O_CLOEXEC) < 0) { die("socketpair"); }
        return;
    }
    listen2 = listen_at(&where2, &where2_len, "-2");
    pthread_create(&sink, NULL, sink_stream, NULL);
    relay_out = stream_socket();
    if (connect(relay_out, (struct sockaddr *) &where2, where2_len) < 0) { die("connect"); }
    if (w8 == 'r' || w8 == 's') {
        listen_stream();
        pthread_create(&source, NULL, source_stream, NULL);
        relay_in = stream_socket();
        if (connect(relay_in, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
        if (w8 == 's' && pipe2(pipefd, O_CLOEXEC) < 0) { die("pipe2"); }
    } else {
        snprintf(file_path, sizeof(file_path), "/tmp/ffm-bench-%d.file", getpid());
        filefd = open(file_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (filefd < 0) { die("open"); }
        for (int written = 0; written < size; written += 65536) {
            if (write(filefd, buf, 65536) != 65536) { die("write"); }
        }
        unlink(file_path);
    }
}

static void send_all(int s, const char *b, ssize_t n) {
    for (ssize_t sent = 0; sent < n; ) {
        ssize_t r = send(s, b + sent, n - sent, MSG_NOSIGNAL);
        if (r < 0) { die("send"); }
        sent += r;
    }
}

/* One descriptor (the pipe's read end) passed from one end of the pair to the other, and closed there. */
static void fdpass_op(void) {
    char byte = 'F';
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
    struct iovec v = { .iov_base = &byte, .iov_len = 1 };
    struct msghdr h = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&h);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
    if (sendmsg(fdpair[0], &h, MSG_NOSIGNAL) != 1) { die("sendmsg"); }
    h.msg_controllen = sizeof(control.buf);
    if (recvmsg(fdpair[1], &h, MSG_CMSG_CLOEXEC) != 1) { die("recvmsg"); }
    c = CMSG_FIRSTHDR(&h);
    int got;
    if (c == NULL || c->cmsg_type != SCM_RIGHTS) { fprintf(stderr, "no descriptor\n"); exit(1); }
    memcpy(&got, CMSG_DATA(c), sizeof(int));
    close(got);
}

/* One W8 operation: SIZE bytes relayed or sent from the file, or one descriptor passed. */
static void w8_op(void) {
    long long moved = 0;
    switch (w8) {
        case 'd':
            fdpass_op();
            break;
        case 'r':
            while (moved < size) {
                ssize_t n = recv(relay_in, buf, 65536 < size - moved ? 65536 : size - moved, 0);
                if (n <= 0) { die("recv"); }
                send_all(relay_out, buf, n);
                moved += n;
            }
            break;
        case 's':
            while (moved < size) {
                ssize_t n = splice(relay_in, NULL, pipefd[1], NULL, 65536 < size - moved ? 65536 : size - moved,
                                   SPLICE_F_MOVE);
                if (n <= 0) { die("splice"); }
                for (ssize_t left = n; left > 0; ) {
                    ssize_t m = splice(pipefd[0], NULL, relay_out, NULL, left, SPLICE_F_MOVE);
                    if (m <= 0) { die("splice"); }
                    left -= m;
                }
                moved += n;
            }
            break;
        case 'f':
            while (moved < size) {
                ssize_t n = pread(filefd, buf, 65536, moved);
                if (n <= 0) { die("pread"); }
                send_all(relay_out, buf, n);
                moved += n;
            }
            break;
        default: {
            off_t offset = 0;
            while (offset < size) {
                if (sendfile(relay_out, filefd, &offset, size - offset) <= 0) { die("sendfile"); }
            }
        }
    }
}

static void setup(void) {
    buf = buffer(size > 65536 ? size : 65536);
    if (strcmp(workload, "pingpong") == 0 || strcmp(workload, "bulk") == 0) {
        listen_stream();
        pthread_create(&other, NULL, strcmp(workload, "bulk") == 0 ? discard_stream : echo_stream, NULL);
        fd = stream_socket();
        if (connect(fd, (struct sockaddr *) &where, where_len) < 0) { die("connect"); }
        nodelay(fd);
    } else if (strcmp(workload, "udp-rr") != 0 && strcmp(workload, "udp-oneway") != 0 && strncmp(workload, "udp", 3) == 0) {
        setup_w6();
    } else if (strncmp(workload, "udp", 3) == 0) {
        struct sockaddr_in client_addr;
        oneway = strcmp(workload, "udp-oneway") == 0;
        udp_server = udp_bound(&server_addr);
        fd = udp_bound(&client_addr);
        pthread_create(&other, NULL, udp_peer, NULL);
    } else if (strncmp(workload, "relay", 5) == 0 || strncmp(workload, "file", 4) == 0 || strcmp(workload, "fdpass") == 0) {
        setup_w8();
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
        case 'r':
        case 'f':
        case 'd':
            w8_op();
            break;
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
            if (w6) { w6_op(); break; }
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
    if (w8 == 'd') {
        close(fdpair[0]);
        close(fdpair[1]);
        close(pipefd[0]);
        close(pipefd[1]);
        return;
    }
    if (w8) {
        if (w8 == 'r' || w8 == 's') {
            close(relay_in); /* the source's next send fails */
            pthread_join(source, NULL);
            close(listenfd);
        }
        if (w8 == 's') { close(pipefd[0]); close(pipefd[1]); }
        if (w8 == 'f' || w8 == 'F') { close(filefd); }
        close(relay_out); /* the sink reads the end of the stream */
        pthread_join(sink, NULL);
        close(listen2);
        if (strcmp(transport, "unix") == 0) {
            unlink(((struct sockaddr_un *) &where)->sun_path);
            unlink(((struct sockaddr_un *) &where2)->sun_path);
        }
        return;
    }
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
