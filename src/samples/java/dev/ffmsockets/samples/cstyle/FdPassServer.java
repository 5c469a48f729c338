package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** native/fd_pass_server.c, line by line in the C-style API. usage: FdPassServer PATH [CLIENTS] */
public final class FdPassServer {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: FdPassServer PATH [CLIENTS]");
            System.exit(2);
        }
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);

            int listenfd = socket(AF_UNIX, SOCK_STREAM, 0);
            if (listenfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment addr = sockaddr_un.allocate(arena);
            addr.fill((byte) 0);
            sockaddr_un.sun_family(addr, (short) AF_UNIX);
            MemorySegment path = arena.allocateFrom(args[0]);
            if (path.byteSize() - 1 >= sockaddr_un.sun_path(addr).byteSize()) { System.err.println("path too long: " + args[0]); System.exit(1); }
            MemorySegment.copy(path, 0, sockaddr_un.sun_path(addr), 0, path.byteSize() - 1);

            unlink(path);
            if (bind(listenfd, addr, (int) sockaddr_un.sizeof()) < 0) { perror("bind"); System.exit(1); }
            if (listen(listenfd, 5) < 0) { perror("listen"); System.exit(1); }
            System.out.printf("listening on %s%n", args[0]);
            System.out.flush();

            for (int served = 0; clients == 0 || served < clients; served++) {
                int connfd = accept(listenfd, MemorySegment.NULL, MemorySegment.NULL);
                if (connfd < 0) { perror("accept"); System.exit(1); }
                long n = read(connfd, buf, buf.byteSize());
                if (n < 0) { perror("read"); n = 0; }

                MemorySegment sv = arena.allocate(JAVA_INT, 2);
                if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) { perror("socketpair"); System.exit(1); }
                if (n > 0 && write(sv.getAtIndex(JAVA_INT, 0), buf, n) < 0) { perror("write"); }
                close(sv.getAtIndex(JAVA_INT, 0));

                MemorySegment oneByte = arena.allocateFrom("F");
                MemorySegment iov = iovec.allocate(arena);
                iovec.iov_base(iov, oneByte);
                iovec.iov_len(iov, 1);
                MemorySegment control = arena.allocate(CMSG_SPACE(Integer.BYTES), 8);
                control.fill((byte) 0);
                MemorySegment msg = msghdr.allocate(arena);
                msg.fill((byte) 0);
                msghdr.msg_iov(msg, iov);
                msghdr.msg_iovlen(msg, 1);
                msghdr.msg_control(msg, control);
                msghdr.msg_controllen(msg, control.byteSize());
                MemorySegment cmsg = CMSG_FIRSTHDR(msg);
                cmsghdr.cmsg_level(cmsg, SOL_SOCKET);
                cmsghdr.cmsg_type(cmsg, SCM_RIGHTS);
                cmsghdr.cmsg_len(cmsg, CMSG_LEN(Integer.BYTES));
                CMSG_DATA(cmsg).set(JAVA_INT, 0, sv.getAtIndex(JAVA_INT, 1));
                if (sendmsg(connfd, msg, 0) < 0) { perror("sendmsg"); }

                close(sv.getAtIndex(JAVA_INT, 1));
                close(connfd);
            }
            close(listenfd);
            unlink(path);
        }
    }
}
