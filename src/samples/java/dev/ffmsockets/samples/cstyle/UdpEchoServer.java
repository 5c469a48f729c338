package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.in_addr;
import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/** native/udp_echo_server.c, line by line in the C-style API. usage: UdpEchoServer PORT [DATAGRAMS] */
public final class UdpEchoServer {
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: UdpEchoServer PORT [DATAGRAMS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int datagrams = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);

            int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            serv_addr.fill((byte) 0);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            in_addr.s_addr(sockaddr_in.sin_addr(serv_addr), htonl(INADDR_ANY));
            sockaddr_in.sin_port(serv_addr, htons(port));
            if (bind(sockfd, serv_addr, (int) sockaddr_in.sizeof()) < 0) { perror("bind"); System.exit(1); }

            MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
            if (getsockname(sockfd, serv_addr, len) < 0) { perror("getsockname"); System.exit(1); }
            System.out.printf("listening on port %d%n", ntohs(sockaddr_in.sin_port(serv_addr)));
            System.out.flush();

            MemorySegment cli_addr = sockaddr_in.allocate(arena);
            MemorySegment cli_len = arena.allocate(socklen_t);
            for (int echoed = 0; datagrams == 0 || echoed < datagrams; echoed++) {
                cli_len.set(socklen_t, 0, (int) sockaddr_in.sizeof());
                long n = recvfrom(sockfd, buf, buf.byteSize(), 0, cli_addr, cli_len);
                if (n < 0) { perror("recvfrom"); System.exit(1); }
                if (sendto(sockfd, buf, n, 0, cli_addr, cli_len.get(socklen_t, 0)) < 0) { perror("sendto"); System.exit(1); }
            }
            close(sockfd);
        }
    }
}
