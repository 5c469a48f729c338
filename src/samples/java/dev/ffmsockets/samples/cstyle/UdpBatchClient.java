package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;

/**
 * native/udp_batch_client.c, line by line in the C-style API.
 * usage: UdpBatchClient HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE
 */
public final class UdpBatchClient {
    static final int VLEN = 4;

    public static void main(String[] args) {
        if (args.length != 2 + VLEN) {
            System.err.println("usage: UdpBatchClient HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE");
            System.exit(2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bufs = arena.allocate(VLEN * 1024L);
            MemorySegment iovs = iovec.allocateArray(VLEN, arena);
            MemorySegment msgs = mmsghdr.allocateArray(VLEN, arena);

            int sockfd = socket(AF_INET, SOCK_DGRAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            serv_addr.fill((byte) 0);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            sockaddr_in.sin_port(serv_addr, htons(Integer.parseInt(args[1])));
            if (inet_pton(AF_INET, args[0], sockaddr_in.sin_addr(serv_addr)) <= 0) { System.err.println("inet_pton: bad address " + args[0]); System.exit(1); }

            msgs.fill((byte) 0);
            for (int i = 0; i < VLEN; i++) {
                MemorySegment text = arena.allocateFrom(args[2 + i]);
                MemorySegment iov = iovec.asSlice(iovs, i);
                iovec.iov_base(iov, text);
                iovec.iov_len(iov, text.byteSize() - 1);
                MemorySegment hdr = mmsghdr.msg_hdr(mmsghdr.asSlice(msgs, i));
                msghdr.msg_iov(hdr, iov);
                msghdr.msg_iovlen(hdr, 1);
                msghdr.msg_name(hdr, serv_addr);
                msghdr.msg_namelen(hdr, (int) sockaddr_in.sizeof());
            }
            int n = sendmmsg(sockfd, msgs, VLEN, 0);
            if (n < 0) { perror("sendmmsg"); System.exit(1); }
            if (n < VLEN) { System.err.printf("sendmmsg sent %d of %d%n", n, VLEN); System.exit(1); }

            msgs.fill((byte) 0);
            for (int i = 0; i < VLEN; i++) {
                MemorySegment iov = iovec.asSlice(iovs, i);
                iovec.iov_base(iov, bufs.asSlice(i * 1024L, 1024));
                iovec.iov_len(iov, 1024);
                MemorySegment hdr = mmsghdr.msg_hdr(mmsghdr.asSlice(msgs, i));
                msghdr.msg_iov(hdr, iov);
                msghdr.msg_iovlen(hdr, 1);
            }
            n = recvmmsg(sockfd, msgs, VLEN, 0, MemorySegment.NULL);
            if (n < 0) { perror("recvmmsg"); System.exit(1); }
            for (int i = 0; i < n; i++) {
                int got = mmsghdr.msg_len(mmsghdr.asSlice(msgs, i));
                System.out.write(bufs.asSlice(i * 1024L, got).toArray(ValueLayout.JAVA_BYTE), 0, got);
                System.out.write('\n');
            }
            System.out.flush();
            close(sockfd);
        }
    }
}
