/*
 * The single source of what ffm-sockets binds from the C library (with headers/jextract.args, which
 * lists every symbol taken from it). It includes the system headers and declares the few things glibc
 * hides behind _GNU_SOURCE.
 *
 * Never define _GNU_SOURCE here: glibc then declares the sockaddr parameters of bind, connect, accept
 * and the rest as a by-value transparent union (__SOCKADDR_ARG), which jextract binds as a struct
 * passed by value, so bind would receive the wrong bytes without any error.
 */
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
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include <signal.h>

/* glibc declares accept4 only under _GNU_SOURCE (see above); this is its Linux signature. */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);

/* gettid and tgkill, likewise only under _GNU_SOURCE: the safe wrapper wakes a thread blocked in a system call
 * with a signal sent to that thread alone, as the JDK does. */
extern pid_t gettid(void);
extern int tgkill(pid_t tgid, pid_t tid, int sig);

/* struct ucred (SO_PEERCRED) is likewise only declared under _GNU_SOURCE; this is its Linux layout. */
struct ucred {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};
