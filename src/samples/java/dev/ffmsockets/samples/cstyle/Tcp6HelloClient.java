package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.sockaddr_in6;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;

/** native/tcp6_hello_client.c, line by line in the C-style API. usage: Tcp6HelloClient HOST PORT */
public final class Tcp6HelloClient {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: Tcp6HelloClient HOST PORT");
            System.exit(2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment recvBuff = arena.allocate(1024);

            int sockfd = socket(AF_INET6, SOCK_STREAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in6.allocate(arena);
            serv_addr.fill((byte) 0);
            sockaddr_in6.sin6_family(serv_addr, (short) AF_INET6);
            sockaddr_in6.sin6_port(serv_addr, htons(Integer.parseInt(args[1])));
            if (inet_pton(AF_INET6, arena.allocateFrom(args[0]), sockaddr_in6.sin6_addr(serv_addr)) <= 0) { System.err.println("inet_pton: bad address " + args[0]); System.exit(1); }

            if (connect(sockfd, serv_addr, (int) sockaddr_in6.sizeof()) < 0) { perror("connect"); System.exit(1); }

            long n;
            while ((n = read(sockfd, recvBuff, recvBuff.byteSize() - 1)) > 0) {
                System.out.write(recvBuff.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            }
            System.out.flush();
            if (n < 0) { perror("read"); System.exit(1); }
            close(sockfd);
        }
    }
}
