import dev.ffmsockets.raw.in_addr;
import dev.ffmsockets.raw.sockaddr_in;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/**
 * The classic "Hello there." server, as a program outside the project writes it: the static import of
 * Posix and jextract's struct classes, nothing else. Serves as many clients as its argument says
 * (port 0 = any; it prints the port it got).
 */
public class HelloServer {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int clients = Integer.parseInt(args[1]);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sendBuff = arena.allocateFrom("Hello there.");

            int listenfd = socket(AF_INET, SOCK_STREAM, 0);
            if (listenfd < 0) { perror("socket"); System.exit(1); }
            MemorySegment optval = arena.allocateFrom(C_INT, 1);
            if (setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, optval, (int) C_INT.byteSize()) < 0) { perror("setsockopt"); System.exit(1); }

            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            in_addr.s_addr(sockaddr_in.sin_addr(serv_addr), htonl(INADDR_ANY));
            sockaddr_in.sin_port(serv_addr, htons(port));

            if (bind(listenfd, serv_addr, (int) sockaddr_in.sizeof()) < 0) { perror("bind"); System.exit(1); }
            if (listen(listenfd, 10) < 0) { perror("listen"); System.exit(1); }

            MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
            getsockname(listenfd, serv_addr, len);
            System.out.println("port " + Short.toUnsignedInt(ntohs(sockaddr_in.sin_port(serv_addr))));
            System.out.flush();

            for (int i = 0; i < clients; i++) {
                int connectfd = accept(listenfd, MemorySegment.NULL, MemorySegment.NULL);
                if (connectfd < 0) { perror("accept"); System.exit(1); }
                write(connectfd, sendBuff, sendBuff.byteSize() - 1);
                close(connectfd);
            }
            close(listenfd);
        }
    }
}
