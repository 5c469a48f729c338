package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;

/** native/udp_echo_client.c, line by line in the C-style API. usage: UdpEchoClient HOST PORT MESSAGE */
public final class UdpEchoClient {
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: UdpEchoClient HOST PORT MESSAGE");
            System.exit(2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);

            int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            serv_addr.fill((byte) 0);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            sockaddr_in.sin_port(serv_addr, htons(Integer.parseInt(args[1])));
            if (inet_pton(AF_INET, arena.allocateFrom(args[0]), sockaddr_in.sin_addr(serv_addr)) <= 0) { System.err.println("inet_pton: bad address " + args[0]); System.exit(1); }

            MemorySegment message = arena.allocateFrom(args[2]);
            if (sendto(sockfd, message, message.byteSize() - 1, 0, serv_addr, (int) sockaddr_in.sizeof()) < 0) { perror("sendto"); System.exit(1); }

            MemorySegment from_addr = sockaddr_in.allocate(arena);
            MemorySegment from_len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
            long n = recvfrom(sockfd, buf, buf.byteSize(), 0, from_addr, from_len);
            if (n < 0) { perror("recvfrom"); System.exit(1); }
            System.out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            System.out.flush();
            close(sockfd);
        }
    }
}
