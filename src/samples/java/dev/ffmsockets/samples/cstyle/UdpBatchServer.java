package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.in_addr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/** native/udp_batch_server.c, line by line in the C-style API. usage: UdpBatchServer PORT [BATCHES] */
public final class UdpBatchServer {
    static final int VLEN = 4;

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: UdpBatchServer PORT [BATCHES]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bufs = arena.allocate(VLEN * 1024L);
            MemorySegment iovs = iovec.allocateArray(VLEN, arena);
            MemorySegment addrs = sockaddr_in.allocateArray(VLEN, arena);
            MemorySegment msgs = mmsghdr.allocateArray(VLEN, arena);

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

            for (int echoed = 0; batches == 0 || echoed < batches; echoed++) {
                msgs.fill((byte) 0);
                for (int i = 0; i < VLEN; i++) {
                    MemorySegment iov = iovec.asSlice(iovs, i);
                    iovec.iov_base(iov, bufs.asSlice(i * 1024L, 1024));
                    iovec.iov_len(iov, 1024);
                    MemorySegment hdr = mmsghdr.msg_hdr(mmsghdr.asSlice(msgs, i));
                    msghdr.msg_iov(hdr, iov);
                    msghdr.msg_iovlen(hdr, 1);
                    msghdr.msg_name(hdr, sockaddr_in.asSlice(addrs, i));
                    msghdr.msg_namelen(hdr, (int) sockaddr_in.sizeof());
                }
                int n = recvmmsg(sockfd, msgs, VLEN, 0, MemorySegment.NULL);
                if (n < 0) { perror("recvmmsg"); System.exit(1); }
                for (int i = 0; i < n; i++) {
                    // the name and its length are the sender's, as recvmmsg left them
                    iovec.iov_len(iovec.asSlice(iovs, i), mmsghdr.msg_len(mmsghdr.asSlice(msgs, i)));
                }
                if (sendmmsg(sockfd, msgs, n, 0) < 0) { perror("sendmmsg"); System.exit(1); }
            }
            close(sockfd);
        }
    }
}
