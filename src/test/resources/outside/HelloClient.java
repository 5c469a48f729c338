import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;

/** The classic client: socket, connect, read until end of stream, print what arrived. */
public class HelloClient {
    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            int sockfd = socket(AF_INET, SOCK_STREAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            sockaddr_in.sin_port(serv_addr, htons(Integer.parseInt(args[1])));
            if (inet_pton(AF_INET, arena.allocateFrom(args[0]), sockaddr_in.sin_addr(serv_addr)) <= 0) { perror("inet_pton"); System.exit(1); }

            if (connect(sockfd, serv_addr, (int) sockaddr_in.sizeof()) < 0) { perror("connect"); System.exit(1); }

            MemorySegment recvBuff = arena.allocate(1024);
            long n;
            while ((n = read(sockfd, recvBuff, recvBuff.byteSize() - 1)) > 0) {
                System.out.print(new String(recvBuff.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE)));
            }
            if (n < 0) { perror("read"); System.exit(1); }
            System.out.println();
            close(sockfd);
        }
    }
}
