package dev.ffmsockets.net;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.testing.Nginx;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.SocketFactory;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A real HTTP client (OkHttp, which takes a {@link SocketFactory}) and a real HTTP server (nginx of the system's
 * packages, started here): over nginx's Unix socket through {@link FfmSocketFactory}, and over TCP through the
 * factory and through {@code java.net}'s default, with the same results.
 */
@ExtendWith(NoDescriptorLeaks.class)
class HttpOverUnixSocketTest {

    private static final MediaType OCTETS = MediaType.get("application/octet-stream");

    private static Nginx nginx;

    @BeforeAll
    static void startServer() throws Exception {
        nginx = Nginx.start();
    }

    @AfterAll
    static void stopServer() {
        if (nginx != null) {
            nginx.close();
        }
    }

    /** Counts the sockets a factory made: keep-alive reuses one. */
    private static final class Counting extends SocketFactory {
        private final SocketFactory f;
        final AtomicInteger made = new AtomicInteger();

        Counting(SocketFactory f) {
            this.f = f;
        }

        @Override
        public Socket createSocket() throws IOException {
            made.incrementAndGet();
            return f.createSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            made.incrementAndGet();
            return f.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            made.incrementAndGet();
            return f.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            made.incrementAndGet();
            return f.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            made.incrementAndGet();
            return f.createSocket(address, port, localAddress, localPort);
        }
    }

    enum Route {
        UNIX_FFM, TCP_FFM, TCP_JAVA_NET;

        SocketFactory factory() {
            return switch (this) {
                case UNIX_FFM -> FfmSocketFactory.unix(nginx.unixSocket());
                case TCP_FFM -> new FfmSocketFactory();
                case TCP_JAVA_NET -> SocketFactory.getDefault();
            };
        }

        String base() {
            return this == UNIX_FFM ? "http://localhost" : "http://127.0.0.1:" + nginx.port();
        }
    }

    private record Client(OkHttpClient http, Counting sockets) implements AutoCloseable {
        static Client of(Route route) {
            Counting c = new Counting(route.factory());
            return new Client(new OkHttpClient.Builder().socketFactory(c).build(), c);
        }

        @Override
        public void close() {
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
        }
    }

    private static byte[] get(OkHttpClient http, String url) throws IOException {
        try (Response r = http.newCall(new Request.Builder().url(url).build()).execute()) {
            assertEquals(200, r.code(), url);
            return r.body().bytes();
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void getPutAndPostOfFiveMebibytesOverOneKeptAliveConnection(Route route) throws Exception {
        byte[] put = new byte[5 << 20], post = new byte[5 << 20];
        Random random = new Random(route.ordinal());
        random.nextBytes(put);
        random.nextBytes(post);
        String name = route.name().toLowerCase();
        try (Client c = Client.of(route)) {
            assertEquals("Hello there.\n", new String(get(c.http, route.base() + "/hello")));
            try (Response r = c.http.newCall(new Request.Builder().url(route.base() + "/dav/" + name + ".put")
                    .put(RequestBody.create(put, OCTETS)).build()).execute()) {
                assertEquals(201, r.code(), "PUT created the file");
            }
            assertArrayEquals(put, Files.readAllBytes(nginx.stored(name + ".put")), "nginx stored the bytes sent");
            assertArrayEquals(put, get(c.http, route.base() + "/dav/" + name + ".put"));
            try (Response r = c.http.newCall(new Request.Builder().url(route.base() + "/post/" + name + ".post")
                    .post(RequestBody.create(post, OCTETS)).build()).execute()) {
                assertEquals(201, r.code(), "nginx read the whole POST and stored it");
            }
            assertArrayEquals(post, Files.readAllBytes(nginx.stored(name + ".post")));
            assertArrayEquals(post, get(c.http, route.base() + "/dav/" + name + ".post"));
            for (int i = 0; i < 50; i++) {
                assertEquals("Hello there.\n", new String(get(c.http, route.base() + "/hello")));
            }
            assertEquals(1, c.sockets.made.get(), "keep-alive: every request over one connection");
            assertEquals(1, c.http.connectionPool().connectionCount());
        }
    }
}
