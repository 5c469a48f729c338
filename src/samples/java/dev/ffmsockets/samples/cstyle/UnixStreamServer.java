package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/** native/unix_stream_server.c, line by line in the C-style API. usage: UnixStreamServer PATH [CLIENTS] */
public final class UnixStreamServer {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: UnixStreamServer PATH [CLIENTS]");
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
                if (n < 0) { perror("read"); }
                if (n > 0 && write(connfd, buf, n) < 0) { perror("write"); }
                close(connfd);
            }
            close(listenfd);
            unlink(path);
        }
    }
}
