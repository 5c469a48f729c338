package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;

/** native/unix_stream_client.c, line by line in the C-style API. usage: UnixStreamClient PATH MESSAGE */
public final class UnixStreamClient {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: UnixStreamClient PATH MESSAGE");
            System.exit(2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);

            int sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment addr = sockaddr_un.allocate(arena);
            addr.fill((byte) 0);
            sockaddr_un.sun_family(addr, (short) AF_UNIX);
            MemorySegment path = arena.allocateFrom(args[0]);
            if (path.byteSize() - 1 >= sockaddr_un.sun_path(addr).byteSize()) { System.err.println("path too long: " + args[0]); System.exit(1); }
            MemorySegment.copy(path, 0, sockaddr_un.sun_path(addr), 0, path.byteSize() - 1);

            if (connect(sockfd, addr, (int) sockaddr_un.sizeof()) < 0) { perror("connect"); System.exit(1); }
            MemorySegment message = arena.allocateFrom(args[1]);
            if (write(sockfd, message, message.byteSize() - 1) < 0) { perror("write"); System.exit(1); }

            long n;
            while ((n = read(sockfd, buf, buf.byteSize())) > 0) {
                System.out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            }
            System.out.flush();
            if (n < 0) { perror("read"); System.exit(1); }
            close(sockfd);
        }
    }
}
