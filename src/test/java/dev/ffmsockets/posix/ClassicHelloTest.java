package dev.ffmsockets.posix;

import dev.ffmsockets.raw.in_addr;
import dev.ffmsockets.raw.sockaddr_in;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seeds' classic "Hello there." server and its client, written line by line as in C, exchange their
 * exact bytes. The only change from the C: port 0 and getsockname, so that the test never collides.
 */
class ClassicHelloTest {

    @Test
    void classicServerAndClientExchangeHelloThere() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            // server: socket, setsockopt(SO_REUSEADDR), bind to INADDR_ANY, listen(10)
            int listenfd = socket(AF_INET, SOCK_STREAM, 0);
            assertTrue(listenfd >= 0, () -> "socket: " + strerror(errno()));
            MemorySegment opt = arena.allocateFrom(C_INT, 1);
            assertEquals(0, setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, opt, (int) C_INT.byteSize()));
            MemorySegment serv_addr = sockaddr_in.allocate(arena);
            sockaddr_in.sin_family(serv_addr, (short) AF_INET);
            in_addr.s_addr(sockaddr_in.sin_addr(serv_addr), htonl(INADDR_ANY));
            sockaddr_in.sin_port(serv_addr, htons(0));
            assertEquals(0, bind(listenfd, serv_addr, (int) sockaddr_in.sizeof()), () -> "bind: " + strerror(errno()));
            assertEquals(0, listen(listenfd, 10));
            MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
            assertEquals(0, getsockname(listenfd, serv_addr, len));
            int port = ntohs(sockaddr_in.sin_port(serv_addr));

            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                // loop once: accept, write("Hello there."), close
                MemorySegment sendBuff = arena.allocateFrom("Hello there.");
                int connectfd = accept(listenfd, MemorySegment.NULL, MemorySegment.NULL);
                if (connectfd < 0) {
                    throw new IllegalStateException("accept: " + strerror(errno()));
                }
                long n = write(connectfd, sendBuff, "Hello there.".length());
                close(connectfd);
                if (n != 12) {
                    throw new IllegalStateException("write: " + n);
                }
            });

            // client: socket, connect to 127.0.0.1, read until end of stream
            int sockfd = socket(AF_INET, SOCK_STREAM, 0);
            MemorySegment addr = sockaddr_in.allocate(arena);
            sockaddr_in.sin_family(addr, (short) AF_INET);
            sockaddr_in.sin_port(addr, htons(port));
            assertEquals(1, inet_pton(AF_INET, arena.allocateFrom("127.0.0.1"), sockaddr_in.sin_addr(addr)));
            assertEquals(0, connect(sockfd, addr, (int) sockaddr_in.sizeof()), () -> "connect: " + strerror(errno()));
            MemorySegment recvBuff = arena.allocate(1024);
            StringBuilder received = new StringBuilder();
            long n;
            while ((n = read(sockfd, recvBuff, recvBuff.byteSize())) > 0) {
                received.append(new String(recvBuff.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        java.nio.charset.StandardCharsets.US_ASCII));
            }
            assertEquals(0, n, () -> "read: " + strerror(errno()));
            assertEquals("Hello there.", received.toString());
            server.get(10, TimeUnit.SECONDS);
            assertEquals(0, close(sockfd));
            assertEquals(0, close(listenfd));
        }
    }
}
