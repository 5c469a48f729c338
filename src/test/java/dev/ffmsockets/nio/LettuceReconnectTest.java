package dev.ffmsockets.nio;

import dev.ffmsockets.testing.ServerProcess;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.lettuce.core.resource.NettyCustomizer;
import dev.ffmsockets.netty.FfmIoHandler;
import dev.ffmsockets.netty.FfmSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Redis client on Netty (Lettuce) in a JVM switched to the provider with
 * {@code -Djava.nio.channels.spi.SelectorProvider}, against a real Redis server (Debian's {@code redis-server}, run in a
 * temporary directory): pipelined SETs and GETs, then the server killed with {@code SIGKILL} and started again on its
 * port; the client must reconnect by itself, carry on, and keep no descriptor of the dead connection. The same run on
 * the JDK's provider is the referee.
 */
class LettuceReconnectTest {

    private static final int KEYS = 2000;

    @TempDir
    Path dir;

    private static Path redisServer() {
        Path p = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(p)) {
            throw new AssertionError("No Redis server: /usr/bin/redis-server is missing. Install it (Debian/Ubuntu: apt-get "
                    + "install redis-server; scripts/test installs it) and run the tests again.");
        }
        return p;
    }

    private ServerProcess redis(int port, String name) throws java.io.IOException, InterruptedException {
        Path data = Files.createDirectories(dir.resolve(name));
        return ServerProcess.start("redis-server", List.of(redisServer().toString(), "--port", String.valueOf(port),
                        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", data.toString()),
                Map.of(), "Ready to accept connections", Duration.ofSeconds(30));
    }

    /**
     * One run of {@link Client} on {@code provider} (null: the JDK's; {@link #TRANSPORT}: this library's Netty
     * transport): what it printed.
     */
    private List<String> run(String provider) throws Exception {
        ServerProcess[] server = new ServerProcess[1];
        server[0] = ServerProcess.onFreePort("Address already in use", port -> redis(port, "first-" + provider));
        int port = Integer.parseInt(server[0].command().get(2));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dio.lettuce.core.epoll=false", "-Dio.lettuce.core.iouring=false"));
        if (provider != null && !provider.equals(TRANSPORT)) {
            command.add("-Djava.nio.channels.spi.SelectorProvider=" + provider);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Client.class.getName(), String.valueOf(port)));
        if (TRANSPORT.equals(provider)) {
            command.add(TRANSPORT);
        }
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(), log = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
             PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8)) {
            for (String line; (line = out.readLine()) != null; ) {
                // the client's own lines only: Lettuce's log (a reconnection tried before the server is back) comes
                // and goes with timing, on every transport
                if (line.matches("(provider|transport|phase [12]|closed)\\b.*")) {
                    lines.add(line);
                } else {
                    log.add(line);
                }
                if (line.startsWith("phase 1")) {
                    server[0].kill();
                    server[0] = redis(port, "again-" + provider);
                    in.println("restarted");
                }
            }
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the client did not end: " + lines);
            assertEquals(0, child.exitValue(), String.join("\n", lines) + "\n" + String.join("\n", log));
        } finally {
            child.destroyForcibly();
            server[0].close();
        }
        return lines;
    }

    @Test
    void lettuceReconnectsAfterTheServerIsKilledAndRestarted() throws Exception {
        List<String> jdk = run(null), ours = run(FfmSelectorProvider.class.getName());
        assertTrue(ours.getFirst().equals("provider " + FfmSelectorProvider.class.getName()), ours.toString());
        assertEquals(List.of("phase 1: " + KEYS + " keys set and read back, connections to the server 1",
                "phase 2: reconnected, " + KEYS + " keys set and read back, connections to the server 1",
                "closed: connections to the server 0"), ours.subList(1, ours.size()), String.join("\n", ours));
        assertEquals(jdk.subList(1, jdk.size()), ours.subList(1, ours.size()));
    }

    /** The same on this library's Netty transport ({@code dev.ffmsockets.netty}), with the JDK's NIO as the referee. */
    @Test
    void lettuceOnTheTransportReconnectsAfterTheServerIsKilledAndRestarted() throws Exception {
        List<String> jdk = run(null), ours = run(TRANSPORT);
        assertEquals("transport " + FfmSocketChannel.class.getName(), ours.getFirst(), ours.toString());
        assertEquals(jdk.subList(1, jdk.size()), ours.subList(1, ours.size()), String.join("\n", ours));
    }

    private static final String TRANSPORT = "transport";

    /**
     * Lettuce's resources on the transport: its event loops run {@link FfmIoHandler} (given by its event loop group
     * provider), and its bootstrap makes {@link FfmSocketChannel}s. Lettuce 7 takes the channel class from its own
     * {@code Transports} (NIO, or Netty's native epoll when present), with no setting for it, and Netty lets a bootstrap's
     * channel factory be set once: the customizer Lettuce calls on each bootstrap replaces it through reflection, in
     * this test only (an application on the transport needs the same until Lettuce takes a channel class).
     */
    static final class TransportResources implements EventLoopGroupProvider {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, FfmIoHandler.newFactory());

        ClientResources resources() {
            // names resolved by the JDK: Netty's DNS resolver would need a datagram channel of the transport
            return DefaultClientResources.builder().eventLoopGroupProvider(this)
                    .addressResolverGroup(io.netty.resolver.DefaultAddressResolverGroup.INSTANCE)
                    .nettyCustomizer(new NettyCustomizer() {
                @Override
                public void afterBootstrapInitialized(Bootstrap bootstrap) {
                    try {
                        var factory = io.netty.bootstrap.AbstractBootstrap.class.getDeclaredField("channelFactory");
                        factory.setAccessible(true);
                        factory.set(bootstrap, (io.netty.channel.ChannelFactory<FfmSocketChannel>) FfmSocketChannel::new);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError("Netty's Bootstrap changed: no channelFactory field to set", e);
                    }
                }
            }).build();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            return (T) group;
        }

        @Override
        public int threadPoolSize() {
            return 2;
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup eventLoopGroup, long quietPeriod, long timeout, TimeUnit unit) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true); // the group is stopped with the client
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
            group.shutdownGracefully(quietPeriod, timeout, unit).syncUninterruptibly();
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(true);
        }
    }

    /**
     * The client, in a JVM of its own: phase 1, pipelined SETs and GETs; then, once told the server was killed and
     * started again, phase 2, the same on the connection Lettuce re-established; its connections to the server counted
     * in its descriptors throughout.
     */
    static final class Client {
        public static void main(String[] args) throws Exception {
            boolean transport = args.length > 1 && args[1].equals(TRANSPORT);
            System.out.println(transport ? "transport " + FfmSocketChannel.class.getName()
                    : "provider " + SelectorProvider.provider().getClass().getName());
            int port = Integer.parseInt(args[0]);
            TransportResources ours = transport ? new TransportResources() : null;
            ClientResources resources = transport ? ours.resources() : null;
            RedisClient client = transport ? RedisClient.create(resources, RedisURI.create("127.0.0.1", port))
                    : RedisClient.create(RedisURI.create("127.0.0.1", port));
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                String first = pipelined(c, "a");
                System.out.println("phase 1: " + first + ", connections to the server " + connectionsTo(port));
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(); // restarted
                c.setTimeout(Duration.ofSeconds(60));
                c.sync().set("after", "restart"); // queued until Lettuce has reconnected
                String second = pipelined(c, "b");
                // the dead connection's descriptor is closed, and only the new one is left
                System.out.println("phase 2: reconnected, " + second + ", connections to the server "
                        + connectionsOnceThere(port, 1));
            } finally {
                client.shutdown();
                if (transport) {
                    resources.shutdown(0, 2, TimeUnit.SECONDS).get();
                    ours.shutdown(0, 2, TimeUnit.SECONDS);
                }
            }
            System.out.println("closed: connections to the server " + connectionsOnceThere(port, 0));
        }

        /** {@code KEYS} SETs, then as many GETs, each batch flushed at once; says whether every value came back. */
        private static String pipelined(StatefulRedisConnection<String, String> c, String prefix) {
            RedisAsyncCommands<String, String> async = c.async();
            c.setAutoFlushCommands(false);
            try {
                List<RedisFuture<?>> sets = new ArrayList<>();
                for (int i = 0; i < KEYS; i++) {
                    sets.add(async.set(prefix + i, "value " + i));
                }
                c.flushCommands();
                if (!LettuceFutures.awaitAll(60, TimeUnit.SECONDS, sets.toArray(new RedisFuture<?>[0]))) {
                    return "SETs timed out";
                }
                List<RedisFuture<String>> gets = new ArrayList<>();
                for (int i = 0; i < KEYS; i++) {
                    gets.add(async.get(prefix + i));
                }
                c.flushCommands();
                int right = 0;
                for (int i = 0; i < KEYS; i++) {
                    if (("value " + i).equals(gets.get(i).get(60, TimeUnit.SECONDS))) {
                        right++;
                    }
                }
                return right == KEYS ? KEYS + " keys set and read back" : right + " of " + KEYS + " read back";
            } catch (Exception e) {
                return "failed: " + e;
            } finally {
                c.setAutoFlushCommands(true);
            }
        }

        /**
         * How many of this process's descriptors are TCP connections to {@code port}: its sockets' inodes matched with
         * the connections /proc/net/tcp and tcp6 list.
         */
        private static long connectionsTo(int port) throws Exception {
            java.util.Set<String> mine = new java.util.HashSet<>();
            try (var s = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : s.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            mine.add(target.substring(8, target.length() - 1));
                        }
                    } catch (java.io.IOException closed) {
                        // closed meanwhile
                    }
                }
            }
            String remote = String.format(":%04X", port);
            long n = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[2].endsWith(remote) && mine.contains(f[9])) {
                        n++;
                    }
                }
            }
            return n;
        }

        /** The connections to {@code port} once there are {@code expected}, or after ten seconds as many as there are. */
        private static long connectionsOnceThere(int port, long expected) throws Exception {
            long deadline = System.nanoTime() + 10_000_000_000L;
            long n = connectionsTo(port);
            while (n != expected && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                n = connectionsTo(port);
            }
            return n;
        }
    }
}
