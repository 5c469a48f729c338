package dev.ffmsockets.nio;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.nio.Referee.Named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Addresses across the boundary, against the JDK's channels: a wildcard bind of a dual-stack channel takes IPv4 and
 * IPv6 peers, IPv4-mapped addresses read as IPv4, AF_UNIX binds to {@code null} and to the empty path, a path too
 * long, and {@code -Djava.net.preferIPv4Stack=true} (in a JVM of its own, since it is read once).
 */
class AddressesAgainstTheJdkTest extends AgainstTheJdk {

    private static final List<Named> SCENARIOS = new ArrayList<>();

    private static void scenario(String name, Referee.Scenario s) {
        SCENARIOS.add(new Named(name, s));
    }

    /** Who connects to a server bound to {@code at}: an IPv4 and an IPv6 loopback client, and what each sees. */
    private static String bothFamiliesTo(SelectorProvider p, ServerSocketChannel server) throws IOException {
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        StringBuilder b = new StringBuilder(server.getLocalAddress().toString().replace(":" + port, ":P"));
        for (String client : List.of("127.0.0.1", "::1")) {
            try (SocketChannel c = p.openSocketChannel()) {
                c.connect(new InetSocketAddress(client, port));
                try (SocketChannel a = server.accept()) {
                    InetSocketAddress peer = (InetSocketAddress) a.getRemoteAddress();
                    b.append(" | ").append(client).append(" seen as ").append(peer.getAddress()).append(' ')
                            .append(peer.getAddress().getClass().getSimpleName()).append(", local ")
                            .append(((InetSocketAddress) a.getLocalAddress()).getAddress());
                }
            } catch (IOException e) {
                b.append(" | ").append(client).append(" refused");
            }
        }
        return b.toString();
    }

    static {
        for (String how : List.of("null", "port", "0.0.0.0", "::")) {
            scenario("a wildcard bind (" + how + ") of a dual-stack server takes both families", (p, dir) -> {
                try (ServerSocketChannel server = p.openServerSocketChannel()) {
                    server.bind(switch (how) {
                        case "null" -> null;
                        case "port" -> new InetSocketAddress(0);
                        case "0.0.0.0" -> new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0);
                        default -> new InetSocketAddress(InetAddress.getByName("::"), 0);
                    });
                    return bothFamiliesTo(p, server) + " view " + server.socket().getInetAddress();
                }
            });
        }
        scenario("an IPv4 server takes IPv4 peers only", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel(StandardProtocolFamily.INET)) {
                server.bind(new InetSocketAddress(0));
                return bothFamiliesTo(p, server);
            }
        });
        scenario("a dual-stack datagram channel bound to the wildcard takes both families", (p, dir) -> {
            try (DatagramChannel r = p.openDatagramChannel().bind(new InetSocketAddress(0))) {
                int port = ((InetSocketAddress) r.getLocalAddress()).getPort();
                StringBuilder b = new StringBuilder(r.getLocalAddress().toString().replace(":" + port, ":P"));
                for (String from : List.of("127.0.0.1", "::1")) {
                    try (DatagramChannel s = p.openDatagramChannel()) {
                        s.send(java.nio.ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(from, port));
                        SocketAddress sender = r.receive(java.nio.ByteBuffer.allocate(4));
                        b.append(' ').append(((InetSocketAddress) sender).getAddress());
                    }
                }
                return b;
            }
        });
        scenario("an AF_UNIX server bound to null takes a name of its own in the temporary directory", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel(StandardProtocolFamily.UNIX)) {
                server.bind(null);
                Path path = ((UnixDomainSocketAddress) server.getLocalAddress()).getPath();
                boolean inTmp = path.getParent().equals(Path.of(System.getProperty("java.io.tmpdir")));
                String name = path.getFileName().toString().replaceAll("[0-9]+$", "N");
                try (SocketChannel c = p.openSocketChannel(StandardProtocolFamily.UNIX)) {
                    c.connect(server.getLocalAddress());
                    server.accept().close();
                    return inTmp + " " + name + " " + c.isConnected();
                } finally {
                    Files.deleteIfExists(path);
                }
            }
        });
        scenario("an AF_UNIX server refuses the empty path", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(""));
                return server.getLocalAddress();
            }
        });
        for (String how : List.of("null", "empty")) {
            scenario("an AF_UNIX socket channel bound to " + how + " stays unnamed", (p, dir) -> {
                try (SocketChannel c = p.openSocketChannel(StandardProtocolFamily.UNIX)) {
                    c.bind(how.equals("null") ? null : UnixDomainSocketAddress.of(""));
                    return "[" + c.getLocalAddress() + "] " + c.getLocalAddress().getClass().getSimpleName();
                }
            });
        }
        for (String call : List.of("bind", "server bind", "connect")) {
            scenario("a Unix path too long for sun_path (" + call + ")", (p, dir) -> {
                UnixDomainSocketAddress tooLong = UnixDomainSocketAddress.of(dir.resolve("x".repeat(120)));
                if (call.equals("server bind")) {
                    try (ServerSocketChannel s = p.openServerSocketChannel(StandardProtocolFamily.UNIX)) {
                        return s.bind(tooLong);
                    }
                }
                try (SocketChannel c = p.openSocketChannel(StandardProtocolFamily.UNIX)) {
                    return call.equals("bind") ? c.bind(tooLong) : c.connect(tooLong);
                }
            });
        }
        scenario("kinds of address a channel cannot take", (p, dir) -> {
            List<String> seen = new ArrayList<>();
            try (SocketChannel inet = p.openSocketChannel(StandardProtocolFamily.INET);
                 SocketChannel unix = p.openSocketChannel(StandardProtocolFamily.UNIX)) {
                for (Referee.Scenario s : List.<Referee.Scenario>of(
                        (q, d) -> inet.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0)),
                        (q, d) -> unix.bind(new InetSocketAddress(0)),
                        (q, d) -> inet.connect(UnixDomainSocketAddress.of("/x")),
                        (q, d) -> inet.bind(InetSocketAddress.createUnresolved("localhost", 0)))) {
                    seen.add(Referee.outcome(s, p, dir));
                }
            }
            return seen;
        });
    }

    @Test
    void addressesCrossAsTheJdksDo() {
        Referee.assertSameOnBoth(SCENARIOS, dir);
    }

    /** What a JVM started with {@code -Djava.net.preferIPv4Stack=true} gives on a provider: see {@link PreferIpv4}. */
    private String preferIpv4(String provider) throws Exception {
        Path out = dir.resolve("preferIPv4Stack-" + provider + ".txt");
        // no pipes to the child: a pipe the JDK's process reaper closes late would count as a leak here
        Process child = new ProcessBuilder(dev.ffmsockets.samples.Samples.launcher(), "--enable-native-access=ALL-UNNAMED",
                "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"),
                PreferIpv4.class.getName(), provider).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        int exit = child.waitFor();
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, exit, text);
        return text;
    }

    @Test
    void preferIpv4StackGivesIpv4ChannelsAsTheJdks() throws Exception {
        String jdk = preferIpv4("jdk");
        assertTrue(jdk.contains("0.0.0.0"), jdk);
        assertEquals(jdk, preferIpv4("ours"));
    }

    /** The child JVM of {@link #preferIpv4StackGivesIpv4ChannelsAsTheJdks}: the channels one provider opens. */
    static final class PreferIpv4 {
        public static void main(String[] args) throws Exception {
            SelectorProvider p = args[0].equals("jdk") ? SelectorProvider.provider() : FfmSelectorProvider.provider();
            try (ServerSocketChannel s = p.openServerSocketChannel().bind(null);
                 SocketChannel c = p.openSocketChannel(); DatagramChannel d = p.openDatagramChannel().bind(null)) {
                int port = ((InetSocketAddress) s.getLocalAddress()).getPort();
                c.connect(new InetSocketAddress("127.0.0.1", port));
                System.out.println(s.getLocalAddress().toString().replace(":" + port, ":P") + " "
                        + ((InetSocketAddress) d.getLocalAddress()).getAddress() + " "
                        + ((InetSocketAddress) c.getLocalAddress()).getAddress());
            }
            try {
                p.openSocketChannel(StandardProtocolFamily.INET6).close();
                System.out.println("INET6 opened");
            } catch (UnsupportedOperationException e) {
                System.out.println("INET6: " + e.getMessage());
            }
        }
    }
}
