package dev.ffmsockets.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * nginx from the system's packages, configured in a temporary directory: listening on a Unix socket there and on
 * a TCP port of 127.0.0.1, serving {@code /dav/} with WebDAV {@code PUT} (files written in the directory and read
 * back with {@code GET}), and taking {@code POST /post/NAME}: it reads the whole body and stores it as
 * {@code /dav/NAME}, through its own proxy to itself, so that a test can read back what a {@code POST} sent.
 */
public final class Nginx implements AutoCloseable {

    private final Path dir;
    private final ServerProcess server;
    private final int port;

    private Nginx(Path dir, ServerProcess server, int port) {
        this.dir = dir;
        this.server = server;
        this.port = port;
    }

    /**
     * The nginx program.
     *
     * @throws AssertionError saying what to install when it is missing
     */
    public static Path binary() {
        for (String p : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        throw new AssertionError("No nginx: /usr/sbin/nginx is missing. Install it (Debian/Ubuntu: apt-get install "
                + "nginx; scripts/test installs it) and run the tests again.");
    }

    /** Writes the configuration and starts nginx; ready when its master has started its worker. */
    public static Nginx start() throws IOException, InterruptedException {
        Path nginx = binary();
        Path dir = Files.createTempDirectory("ffm-nginx");
        try {
            Files.createDirectories(dir.resolve("www/dav"));
            Path conf = dir.resolve("nginx.conf");
            int[] chosen = new int[1];
            ServerProcess server = ServerProcess.onFreePort("Address already in use", port -> {
                Files.writeString(conf, config(dir, port));
                chosen[0] = port;
                return ServerProcess.start("nginx", List.of(nginx.toString(), "-p", dir.toString(), "-c",
                        conf.toString(), "-e", "stderr"), Map.of(), "start worker process", Duration.ofMinutes(1));
            });
            return new Nginx(dir, server, chosen[0]);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            ServerProcess.delete(dir);
            throw e;
        }
    }

    private static String config(Path dir, int port) {
        String sock = dir.resolve("http.sock").toString();
        return """
                daemon off;
                %s
                worker_processes 1;
                pid %s/nginx.pid;
                error_log stderr notice;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %s/body;
                    proxy_temp_path %s/proxy;
                    fastcgi_temp_path %s/fastcgi;
                    uwsgi_temp_path %s/uwsgi;
                    scgi_temp_path %s/scgi;
                    keepalive_requests 100000;
                    server {
                        listen unix:%s;
                        listen 127.0.0.1:%d;
                        root %s/www;
                        client_max_body_size 64m;
                        location /dav/ {
                            dav_methods PUT DELETE;
                            create_full_put_path on;
                        }
                        location /post/ {
                            limit_except POST { deny all; }
                            proxy_method PUT;
                            proxy_pass http://unix:%s:/dav/;
                        }
                        location = /hello { return 200 "Hello there.\\n"; }
                    }
                }
                """.formatted(ServerProcess.root() ? "user root root;" : "", dir, dir, dir, dir, dir, dir, sock, port, dir,
                sock);
    }

    /** {@return nginx's Unix socket} */
    public Path unixSocket() {
        return dir.resolve("http.sock");
    }

    /** {@return nginx's TCP port on 127.0.0.1} */
    public int port() {
        return port;
    }

    /** {@return the file a {@code PUT} or {@code POST} of {@code name} wrote} */
    public Path stored(String name) {
        return dir.resolve("www/dav").resolve(name);
    }

    /** Stops nginx and removes its directory. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            ServerProcess.delete(dir);
        }
    }
}
