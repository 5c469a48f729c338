package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.in6_addr;
import dev.ffmsockets.raw.sockaddr_in6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/** native/tcp6_hello_server.c, line by line in the C-style API. usage: Tcp6HelloServer PORT [CLIENTS] */
public final class Tcp6HelloServer {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: Tcp6HelloServer PORT [CLIENTS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in6addr_any = in6_addr.allocate(arena); // ::, all zeros, as <netinet/in.h> defines it
            MemorySegment sendBuff = arena.allocateFrom("Hello there.");

            int listenfd = socket(AF_INET6, SOCK_STREAM, 0);
            if (listenfd < 0) { perror("socket"); System.exit(1); }
            MemorySegment optval = arena.allocateFrom(C_INT, 1);
            if (setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, optval, (int) optval.byteSize()) < 0) { perror("setsockopt"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in6.allocate(arena);
            serv_addr.fill((byte) 0);
            sockaddr_in6.sin6_family(serv_addr, (short) AF_INET6);
            sockaddr_in6.sin6_addr(serv_addr, in6addr_any);
            sockaddr_in6.sin6_port(serv_addr, htons(port));

            if (bind(listenfd, serv_addr, (int) sockaddr_in6.sizeof()) < 0) { perror("bind"); System.exit(1); }
            if (listen(listenfd, 10) < 0) { perror("listen"); System.exit(1); }

            MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in6.sizeof());
            if (getsockname(listenfd, serv_addr, len) < 0) { perror("getsockname"); System.exit(1); }
            System.out.printf("listening on port %d%n", ntohs(sockaddr_in6.sin6_port(serv_addr)));
            System.out.flush();

            for (int served = 0; clients == 0 || served < clients; served++) {
                int connectfd = accept(listenfd, MemorySegment.NULL, MemorySegment.NULL);
                if (connectfd < 0) { perror("accept"); System.exit(1); }
                if (write(connectfd, sendBuff, sendBuff.byteSize() - 1) < 0) { perror("write"); }
                close(connectfd);
            }
            close(listenfd);
        }
    }
}
