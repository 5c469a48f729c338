package dev.ffmsockets.posix;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.raw.addrinfo;
import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.pollfd;
import dev.ffmsockets.raw.rlimit;
import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_in6;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

import static dev.ffmsockets.posix.Addrs.text;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendmsg/recvmsg with the CMSG macros, poll, fcntl, dup, epoll, eventfd, rlimit, inet_*, getaddrinfo. */
@ExtendWith(NoDescriptorLeaks.class)
class DescriptorCallsTest {

    private Arena arena;
    private int a, b;

    @BeforeEach
    void pair() {
        arena = Arena.ofConfined();
        MemorySegment sv = arena.allocate(C_INT, 2);
        assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
        a = sv.getAtIndex(JAVA_INT, 0);
        b = sv.getAtIndex(JAVA_INT, 1);
    }

    @AfterEach
    void closeAll() {
        close(a);
        close(b);
        arena.close();
    }

    /** Passes a pipe's write end over the socket pair with SCM_RIGHTS, built and read with the CMSG macros. */
    @Test
    void sendmsgPassesADescriptorThatRecvmsgReceives() {
        MemorySegment p = arena.allocate(C_INT, 2);
        assertEquals(0, pipe(p));
        int pr = p.getAtIndex(JAVA_INT, 0), pw = p.getAtIndex(JAVA_INT, 1);

        // sender: one byte of data and one SCM_RIGHTS message
        MemorySegment data = arena.allocateFrom("F");
        MemorySegment iov = iovec.allocate(arena);
        iovec.iov_base(iov, data);
        iovec.iov_len(iov, 1);
        MemorySegment control = arena.allocate(CMSG_SPACE(Integer.BYTES), 8);
        MemorySegment msg = msghdr.allocate(arena);
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, 1);
        msghdr.msg_control(msg, control);
        msghdr.msg_controllen(msg, control.byteSize());
        MemorySegment cmsg = CMSG_FIRSTHDR(msg);
        assertEquals(control.address(), cmsg.address());
        cmsghdr.cmsg_level(cmsg, SOL_SOCKET);
        cmsghdr.cmsg_type(cmsg, SCM_RIGHTS);
        cmsghdr.cmsg_len(cmsg, CMSG_LEN(Integer.BYTES));
        CMSG_DATA(cmsg).set(JAVA_INT, 0, pw);
        assertEquals(MemorySegment.NULL, CMSG_NXTHDR(msg, cmsg), "one message only");
        assertEquals(1, sendmsg(a, msg, MSG_NOSIGNAL));

        // receiver
        MemorySegment in = arena.allocate(4);
        MemorySegment riov = iovec.allocate(arena);
        iovec.iov_base(riov, in);
        iovec.iov_len(riov, in.byteSize());
        MemorySegment rcontrol = arena.allocate(CMSG_SPACE(Integer.BYTES) * 2, 8);
        MemorySegment rmsg = msghdr.allocate(arena);
        msghdr.msg_iov(rmsg, riov);
        msghdr.msg_iovlen(rmsg, 1);
        msghdr.msg_control(rmsg, rcontrol);
        msghdr.msg_controllen(rmsg, rcontrol.byteSize());
        assertEquals(1, recvmsg(b, rmsg, MSG_CMSG_CLOEXEC));
        assertEquals("F", text(in, 1));
        assertEquals(CMSG_SPACE(Integer.BYTES), msghdr.msg_controllen(rmsg), "the kernel wrote back the length used");
        MemorySegment rc = CMSG_FIRSTHDR(rmsg);
        assertEquals(SOL_SOCKET, cmsghdr.cmsg_level(rc));
        assertEquals(SCM_RIGHTS, cmsghdr.cmsg_type(rc));
        assertEquals(CMSG_LEN(Integer.BYTES), cmsghdr.cmsg_len(rc));
        assertEquals(Integer.BYTES, CMSG_DATA(rc).byteSize());
        int received = CMSG_DATA(rc).get(JAVA_INT, 0);
        assertNotEquals(pw, received);
        assertEquals(Fds.target(pw), Fds.target(received), "the same pipe arrived under a new number");
        assertEquals(FD_CLOEXEC, fcntl(received, F_GETFD) & FD_CLOEXEC);
        assertEquals(MemorySegment.NULL, CMSG_NXTHDR(rmsg, rc));

        // the received descriptor works: write into it, read from the pipe
        assertEquals(2, write(received, arena.allocateFrom("ok"), 2));
        MemorySegment two = arena.allocate(2);
        assertEquals(2, read(pr, two, 2));
        assertEquals("ok", text(two, 2));
        close(received);
        close(pr);
        close(pw);

        assertEquals(-1, sendmsg(-1, msg, 0));
        assertEquals(EBADF, errno());
        assertEquals(-1, recvmsg(b, rmsg, MSG_DONTWAIT));
        assertEquals(EAGAIN, errno());
    }

    @Test
    void cmsgMacrosMatchGlibc() {
        // sizeof(struct cmsghdr) is 16 on x86_64; glibc's macros give these values
        assertEquals(16, cmsghdr.sizeof());
        assertEquals(0, CMSG_ALIGN(0));
        assertEquals(8, CMSG_ALIGN(1));
        assertEquals(8, CMSG_ALIGN(8));
        assertEquals(16, CMSG_ALIGN(9));
        assertEquals(20, CMSG_LEN(4));
        assertEquals(24, CMSG_SPACE(4));
        assertEquals(32, CMSG_SPACE(12));
        MemorySegment msg = msghdr.allocate(arena);
        msghdr.msg_controllen(msg, 8);
        msghdr.msg_control(msg, arena.allocate(8));
        assertEquals(MemorySegment.NULL, CMSG_FIRSTHDR(msg), "a control buffer smaller than a cmsghdr has none");
        // two messages in one buffer: NXTHDR walks to the second, then ends
        MemorySegment control = arena.allocate(CMSG_SPACE(4) + CMSG_SPACE(8), 8);
        msghdr.msg_control(msg, control);
        msghdr.msg_controllen(msg, control.byteSize());
        MemorySegment first = CMSG_FIRSTHDR(msg);
        cmsghdr.cmsg_len(first, CMSG_LEN(4));
        MemorySegment second = CMSG_NXTHDR(msg, first);
        assertEquals(control.address() + CMSG_SPACE(4), second.address());
        cmsghdr.cmsg_len(second, CMSG_LEN(8));
        assertEquals(8, CMSG_DATA(second).byteSize());
        assertEquals(MemorySegment.NULL, CMSG_NXTHDR(msg, second));
        cmsghdr.cmsg_len(first, 3);
        assertEquals(MemorySegment.NULL, CMSG_NXTHDR(msg, first), "a malformed length ends the walk");
    }

    @Test
    void pollReportsReadinessAndHangup() {
        MemorySegment fds = pollfd.allocateArray(2, arena);
        pollfd.fd(pollfd.asSlice(fds, 0), a);
        pollfd.events(pollfd.asSlice(fds, 0), (short) (POLLIN | POLLOUT));
        pollfd.fd(pollfd.asSlice(fds, 1), b);
        pollfd.events(pollfd.asSlice(fds, 1), (short) POLLIN);
        assertEquals(1, poll(fds, 2, 0), "only a is writable");
        assertEquals(POLLOUT, pollfd.revents(pollfd.asSlice(fds, 0)));
        assertEquals(0, pollfd.revents(pollfd.asSlice(fds, 1)));
        assertEquals(0, poll(fds.asSlice(pollfd.sizeof()), 1, 10), "timeout with nothing to read");
        assertEquals(0, shutdown(a, SHUT_WR));
        assertEquals(2, poll(fds, 2, 1000));
        assertTrue((pollfd.revents(pollfd.asSlice(fds, 1)) & POLLIN) != 0);
        pollfd.fd(pollfd.asSlice(fds, 0), 1 << 20);
        assertEquals(2, poll(fds, 2, 0));
        assertEquals(POLLNVAL, pollfd.revents(pollfd.asSlice(fds, 0)), "a descriptor that is not open");
    }

    @Test
    void fcntlSetsNonBlockingAndDupCopiesDescriptors() {
        int flags = fcntl(a, F_GETFL);
        assertTrue(flags >= 0);
        assertEquals(0, flags & O_NONBLOCK);
        assertEquals(0, fcntl(a, F_SETFL, flags | O_NONBLOCK));
        assertEquals(O_NONBLOCK, fcntl(a, F_GETFL) & O_NONBLOCK);
        MemorySegment buf = arena.allocate(4);
        assertEquals(-1, read(a, buf, 4));
        assertEquals(EAGAIN, errno());
        assertEquals(-1, fcntl(-1, F_GETFL));
        assertEquals(EBADF, errno());
        assertEquals(-1, fcntl(a, 123456, 0));
        assertEquals(EINVAL, errno());

        int d = dup(b);
        assertTrue(d >= 0);
        assertEquals(Fds.target(b), Fds.target(d));
        int d2 = dup2(a, d);
        assertEquals(d, d2);
        assertEquals(Fds.target(a), Fds.target(d), "dup2 replaced d with a copy of a");
        close(d);
        assertEquals(-1, dup(-1));
        assertEquals(EBADF, errno());
        assertEquals(-1, dup2(-1, 100));
        assertEquals(EBADF, errno());
    }

    @Test
    void epollAndEventfdSignalReadiness() {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        assertTrue(ep >= 0);
        int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        assertTrue(ev >= 0);
        // the platform's own epoll_event (Posix.EPOLL_EVENT): packed to 12 bytes on x86_64, data at 4 (read and written
        // unaligned); 16 bytes on aarch64, data at 8
        long data = EPOLL_EVENT.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("data"));
        MemorySegment e = arena.allocate(EPOLL_EVENT);
        e.set(JAVA_INT, 0, EPOLLIN);
        e.set(JAVA_LONG_UNALIGNED, data, 0xABCDL);
        assertEquals(0, epoll_ctl(ep, EPOLL_CTL_ADD, ev, e));
        assertEquals(-1, epoll_ctl(ep, EPOLL_CTL_ADD, ev, e));
        assertEquals(EEXIST, errno());
        MemorySegment events = arena.allocate(EPOLL_EVENT, 4);
        assertEquals(0, epoll_wait(ep, events, 4, 0));
        assertEquals(8, write(ev, arena.allocateFrom(JAVA_LONG, 1L), 8));
        assertEquals(1, epoll_wait(ep, events, 4, 1000));
        assertEquals(EPOLLIN, events.get(JAVA_INT, 0));
        assertEquals(0xABCDL, events.get(JAVA_LONG_UNALIGNED, data));
        assertEquals(-1, epoll_wait(ep, events, 0, 0));
        assertEquals(EINVAL, errno());
        assertEquals(0, epoll_ctl(ep, EPOLL_CTL_DEL, ev, MemorySegment.NULL));
        assertEquals(-1, epoll_ctl(ep, EPOLL_CTL_DEL, ev, MemorySegment.NULL));
        assertEquals(ENOENT, errno());
        assertEquals(-1, epoll_create1(-1));
        assertEquals(EINVAL, errno());
        assertEquals(-1, eventfd(0, -1));
        assertEquals(EINVAL, errno());
        close(ev);
        close(ep);
    }

    @Test
    void rlimitsReadAndWrite() {
        MemorySegment lim = rlimit.allocate(arena);
        assertEquals(0, getrlimit(RLIMIT_NOFILE, lim));
        long soft = rlimit.rlim_cur(lim), hard = rlimit.rlim_max(lim);
        assertTrue(soft > 0 && Long.compareUnsigned(soft, hard) <= 0);
        assertEquals(0, setrlimit(RLIMIT_NOFILE, lim), "setting the same limits again");
        MemorySegment bad = rlimit.allocate(arena);
        rlimit.rlim_cur(bad, 10);
        rlimit.rlim_max(bad, 5);
        assertEquals(-1, setrlimit(RLIMIT_NOFILE, bad));
        assertEquals(EINVAL, errno());
        assertEquals(-1, getrlimit(9999, lim));
        assertEquals(EINVAL, errno());
        assertTrue(getpid() == ProcessHandle.current().pid());
        assertTrue(getuid() >= 0 && getgid() >= 0);
    }

    /** With the soft limit of descriptors lowered to 3, new descriptors fail with EMFILE and poll with EINVAL. */
    @Test
    void aLowDescriptorLimitFailsPipeSocketAndPoll() {
        MemorySegment saved = rlimit.allocate(arena);
        assertEquals(0, getrlimit(RLIMIT_NOFILE, saved));
        MemorySegment low = rlimit.allocate(arena);
        rlimit.rlim_cur(low, 3);
        rlimit.rlim_max(low, rlimit.rlim_max(saved));
        MemorySegment p = arena.allocate(C_INT, 2);
        MemorySegment fds = pollfd.allocateArray(4, arena);
        // make each call once first: with the limit lowered, the JVM could not open the class files it needs
        assertEquals(0, pipe(p));
        close(p.getAtIndex(JAVA_INT, 0));
        close(p.getAtIndex(JAVA_INT, 1));
        close(socket(AF_INET, SOCK_STREAM, 0));
        assertEquals(0, poll(fds, 0, 0));
        int pipeResult, pipeErrno, socketResult, socketErrno, pollResult, pollErrno;
        assertEquals(0, setrlimit(RLIMIT_NOFILE, low));
        try {
            pipeResult = pipe(p);
            pipeErrno = errno();
            socketResult = socket(AF_INET, SOCK_STREAM, 0);
            socketErrno = errno();
            pollResult = poll(fds, 4, 0);
            pollErrno = errno();
        } finally {
            assertEquals(0, setrlimit(RLIMIT_NOFILE, saved));
        }
        assertEquals(-1, pipeResult);
        assertEquals(EMFILE, pipeErrno);
        assertEquals(-1, socketResult);
        assertEquals(EMFILE, socketErrno);
        assertEquals(-1, pollResult);
        assertEquals(EINVAL, pollErrno);
    }

    @Test
    void inetPtonAndNtopConvertBothFamilies() {
        MemorySegment a4 = arena.allocate(4);
        assertEquals(1, inet_pton(AF_INET, arena.allocateFrom("192.0.2.33"), a4));
        assertEquals(0xC0000221, ntohl(a4.get(JAVA_INT, 0)));
        MemorySegment s = arena.allocate(INET_ADDRSTRLEN);
        assertEquals(s, inet_ntop(AF_INET, a4, s, INET_ADDRSTRLEN));
        assertEquals("192.0.2.33", s.getString(0));
        assertEquals(0, inet_pton(AF_INET, "192.0.2", a4));
        assertEquals(0, inet_pton(AF_INET, "::1", a4));
        assertEquals(-1, inet_pton(12345, "1.2.3.4", a4));
        assertEquals(EAFNOSUPPORT, errno());

        MemorySegment a6 = arena.allocate(16);
        assertEquals(1, inet_pton(AF_INET6, "2001:db8::ff00:42:8329", a6));
        MemorySegment s6 = arena.allocate(INET6_ADDRSTRLEN);
        inet_ntop(AF_INET6, a6, s6, INET6_ADDRSTRLEN);
        assertEquals("2001:db8::ff00:42:8329", s6.getString(0));
        assertEquals(MemorySegment.NULL, inet_ntop(AF_INET6, a6, s6, 4));
        assertEquals(ENOSPC, errno());
        assertEquals(MemorySegment.NULL, inet_ntop(12345, a6, s6, 4));
        assertEquals(EAFNOSUPPORT, errno());
    }

    @Test
    void getaddrinfoResolvesLocalhost() {
        MemorySegment hints = addrinfo.allocate(arena);
        addrinfo.ai_family(hints, AF_UNSPEC);
        addrinfo.ai_socktype(hints, SOCK_STREAM);
        MemorySegment res = arena.allocate(ADDRESS);
        int rc = getaddrinfo(arena.allocateFrom("localhost"), arena.allocateFrom("2017"), hints, res);
        assertEquals(0, rc, () -> gai_strerror(rc));
        MemorySegment list = res.get(ADDRESS, 0);
        Set<String> found = new HashSet<>();
        for (MemorySegment ai = list.reinterpret(addrinfo.sizeof()); ai.address() != 0;
             ai = addrinfo.ai_next(ai).reinterpret(addrinfo.sizeof())) {
            int family = addrinfo.ai_family(ai);
            MemorySegment sa = addrinfo.ai_addr(ai).reinterpret(addrinfo.ai_addrlen(ai));
            MemorySegment text = arena.allocate(INET6_ADDRSTRLEN);
            MemorySegment where = family == AF_INET ? sockaddr_in.sin_addr(sa) : sockaddr_in6.sin6_addr(sa);
            inet_ntop(family, where, text, INET6_ADDRSTRLEN);
            found.add(text.getString(0) + " port " + ntohs(sockaddr_in.sin_port(sa)));
            assertEquals(SOCK_STREAM, addrinfo.ai_socktype(ai));
        }
        freeaddrinfo(list);
        assertTrue(found.contains("127.0.0.1 port 2017"), () -> "found " + found);

        addrinfo.ai_flags(hints, AI_NUMERICHOST);
        assertEquals(EAI_NONAME, getaddrinfo(arena.allocateFrom("localhost"), MemorySegment.NULL, hints, res));
        addrinfo.ai_flags(hints, 0);
        addrinfo.ai_family(hints, 12345);
        assertEquals(EAI_FAMILY, getaddrinfo(arena.allocateFrom("localhost"), MemorySegment.NULL, hints, res));
        assertEquals("ai_family not supported", gai_strerror(EAI_FAMILY));
    }

    @Test
    void anAddrinfosAddressBindsThroughAiAddrAndTheRawPointerIsRefusedWithWhatToDo() {
        MemorySegment hints = addrinfo.allocate(arena);
        addrinfo.ai_family(hints, AF_INET);
        addrinfo.ai_socktype(hints, SOCK_STREAM);
        addrinfo.ai_flags(hints, AI_NUMERICHOST);
        MemorySegment res = arena.allocate(ADDRESS);
        int rc = getaddrinfo(arena.allocateFrom("127.0.0.1"), arena.allocateFrom("0"), hints, res);
        assertEquals(0, rc, () -> gai_strerror(rc));
        MemorySegment ai = res.get(ADDRESS, 0).reinterpret(addrinfo.sizeof());
        int fd = socket(addrinfo.ai_family(ai), addrinfo.ai_socktype(ai), addrinfo.ai_protocol(ai));
        try {
            // the raw pointer has no size: refused before the call, with the way out in the message
            var e = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> bind(fd, addrinfo.ai_addr(ai), addrinfo.ai_addrlen(ai)));
            assertTrue(e.getMessage().startsWith("bind: addrlen 16 is larger than addr of 0 bytes; addr is a pointer"
                    + " read from a struct") && e.getMessage().contains("Posix.ai_addr(ai)")
                    && e.getMessage().contains("reinterpret"), e.getMessage());
            MemorySegment sa = ai_addr(ai);
            assertEquals(sockaddr_in.sizeof(), sa.byteSize());
            assertEquals(0, bind(fd, sa, addrinfo.ai_addrlen(ai)), () -> strerror(errno()));
            // a segment of 0 bytes of Java's own making is no pointer from a struct: no such advice
            var plain = org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
                    () -> bind(fd, arena.allocate(0), 16));
            assertEquals("bind: addrlen 16 is larger than addr of 0 bytes", plain.getMessage());
        } finally {
            close(fd);
            freeaddrinfo(res.get(ADDRESS, 0));
        }
    }
}
