/*
 * The single source of what ffm-sockets binds from the C library (with headers/jextract.args, which
 * lists every symbol taken from it). It includes the system headers and declares the few things glibc
 * hides behind _GNU_SOURCE.
 *
 * It is read for every platform in headers/platforms (glibc and musl): what glibc hides is declared below
 * only for glibc; musl declares all of it under _GNU_SOURCE.
 *
 * Never define _GNU_SOURCE for glibc: it then declares the sockaddr parameters of bind, connect, accept
 * and the rest as a by-value transparent union (__SOCKADDR_ARG), which jextract binds as a struct
 * passed by value, so bind would receive the wrong bytes without any error.
 */
#include <features.h>
#ifndef __GLIBC__
/* musl declares what follows under _GNU_SOURCE, which changes none of its signatures (unlike glibc's, see above);
 * its headers test _GNU_SOURCE where they declare, so defining it after <features.h> is enough. */
#define _GNU_SOURCE 1
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/uio.h>
#include <sys/time.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <sys/sendfile.h>
#include <netinet/udp.h>

#ifdef __GLIBC__
/* glibc declares accept4 only under _GNU_SOURCE (see above); this is its Linux signature. */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

/* gettid and tgkill, likewise only under _GNU_SOURCE: the safe wrapper wakes a thread blocked in a system call
 * with a signal sent to that thread alone, as the JDK does. */
extern pid_t gettid(void);
extern int tgkill(pid_t tgid, pid_t tid, int sig);

/* Batches of datagrams: struct mmsghdr, sendmmsg and recvmmsg, declared by glibc only under _GNU_SOURCE. */
struct mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};
extern int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags);
extern int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout);

/* Moving bytes in the kernel: splice and pipe2 (and their flags), likewise only under _GNU_SOURCE. */
extern ssize_t splice(int fd_in, __off64_t *off_in, int fd_out, __off64_t *off_out, size_t len, unsigned int flags);
extern int pipe2(int pipefd[2], int flags);
#define SPLICE_F_MOVE     1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE     4

/* Where an IPv6 datagram was sent to (IPV6_PKTINFO), and the credentials message type (SCM_CREDENTIALS):
 * likewise only under _GNU_SOURCE; these are their Linux layout and value. */
struct in6_pktinfo {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
};
#define SCM_CREDENTIALS 2

/* struct ucred (SO_PEERCRED) is likewise only declared under _GNU_SOURCE; this is its Linux layout. */
struct ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};
#endif /* __GLIBC__ */
