package dev.ffmsockets.nio;

import dev.ffmsockets.testing.Fds;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.nio.Referee.JDK;
import static dev.ffmsockets.nio.Referee.Named;
import static dev.ffmsockets.nio.Referee.OURS;
import static dev.ffmsockets.nio.Referee.loopback;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The datagram channel against the JDK's: a receive or send on an unbound channel binds it, the port bound is kept
 * across connect and disconnect, a connect drops what others sent before it, the {@code DatagramSocket} view in every
 * state, multicast membership (join, block, unblock, drop; IPv4 and IPv6, any source and one source) on {@code lo}, and
 * a channel nobody references is closed.
 */
class DatagramAgainstTheJdkTest extends AgainstTheJdk {

    private static final List<Named> SCENARIOS = new ArrayList<>();

    private static void scenario(String name, Referee.Scenario s) {
        SCENARIOS.add(new Named(name, s));
    }

    private static int port(SocketAddress a) {
        return ((InetSocketAddress) a).getPort();
    }

    /**
     * The next datagram's text: at once on a non-blocking channel ("none" when none is there); on a blocking one, what
     * arrives within 5 s ("none" if nothing does, rather than waiting for ever).
     */
    private static String next(DatagramChannel c) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(64);
        if (!c.isBlocking()) {
            return c.receive(b) == null ? "none" : Referee.text(b);
        }
        c.configureBlocking(false);
        try (java.nio.channels.Selector sel = c.provider().openSelector()) {
            c.register(sel, java.nio.channels.SelectionKey.OP_READ);
            sel.select(5000);
            return c.receive(b) == null ? "none" : Referee.text(b);
        } finally {
            c.configureBlocking(true); // the selector, closed, has deregistered it
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static {
        scenario("a receive on an unbound channel binds it first", (p, dir) -> {
            try (DatagramChannel c = p.openDatagramChannel()) {
                SocketAddress before = c.getLocalAddress();
                c.configureBlocking(false);
                SocketAddress got = c.receive(ByteBuffer.allocate(4));
                InetSocketAddress after = (InetSocketAddress) c.getLocalAddress();
                return before + " " + got + " " + after.getAddress().isAnyLocalAddress() + " " + (after.getPort() > 0)
                        + " " + c.socket().isBound();
            }
        });
        scenario("a send on an unbound channel binds it first", (p, dir) -> {
            try (DatagramChannel c = p.openDatagramChannel(); DatagramChannel to = p.openDatagramChannel().bind(loopback())) {
                c.send(bytes("x"), to.getLocalAddress());
                ByteBuffer b = ByteBuffer.allocate(4);
                SocketAddress from = to.receive(b);
                return (c.getLocalAddress() != null) + " " + (port(from) == port(c.getLocalAddress()));
            }
        });
        for (boolean bindFirst : new boolean[] {true, false}) {
            scenario("the port is kept across connect and disconnect, bound first " + bindFirst, (p, dir) -> {
                try (DatagramChannel a = p.openDatagramChannel(); DatagramChannel b = p.openDatagramChannel().bind(loopback());
                     DatagramChannel other = p.openDatagramChannel().bind(loopback())) {
                    if (bindFirst) {
                        a.bind(new InetSocketAddress(0));
                    }
                    int before = bindFirst ? port(a.getLocalAddress()) : -1;
                    a.connect(b.getLocalAddress());
                    int connected = port(a.getLocalAddress());
                    a.disconnect();
                    int after = port(a.getLocalAddress());
                    other.send(bytes("after"), new InetSocketAddress(InetAddress.getLoopbackAddress(), after));
                    a.configureBlocking(false);
                    String got = next(a);
                    for (int i = 0; i < 1000 && got.equals("none"); i++) {
                        Thread.onSpinWait();
                        got = next(a);
                    }
                    return (!bindFirst || before == connected) + " " + (connected == after) + " " + got + " "
                            + ((InetSocketAddress) a.getLocalAddress()).getAddress().isAnyLocalAddress();
                }
            });
        }
        scenario("a connect drops what others sent before it", (p, dir) -> {
            try (DatagramChannel a = p.openDatagramChannel().bind(loopback()); DatagramChannel b = p.openDatagramChannel().bind(loopback());
                 DatagramChannel c = p.openDatagramChannel().bind(loopback())) {
                b.send(bytes("early"), a.getLocalAddress());
                a.connect(c.getLocalAddress());
                a.configureBlocking(false);
                String first = next(a);
                c.send(bytes("peer"), a.getLocalAddress());
                a.configureBlocking(true);
                return first + " " + next(a);
            }
        });
        scenario("port 0 is refused for a connect and a send", (p, dir) -> {
            try (DatagramChannel a = p.openDatagramChannel()) {
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    try {
                        if (i == 0) {
                            a.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                        } else {
                            a.send(bytes("x"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                        }
                        seen.add("done");
                    } catch (Exception e) {
                        seen.add(e.getClass().getName() + ": " + e.getMessage());
                    }
                }
                return seen;
            }
        });
        scenario("the DatagramSocket view in every state", (p, dir) -> {
            try (DatagramChannel a = p.openDatagramChannel(); DatagramChannel b = p.openDatagramChannel().bind(loopback())) {
                DatagramSocket v = a.socket();
                StringBuilder log = new StringBuilder(state(v, -1));
                v.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                log.append("\nbound: ").append(state(v, -1)).append(' ').append(a.getLocalAddress().equals(v.getLocalSocketAddress()));
                int bport = port(b.getLocalAddress());
                v.connect(b.getLocalAddress());
                log.append("\nconnected: ").append(state(v, bport)).append(' ').append(a.isConnected());
                v.send(new DatagramPacket("Hello".getBytes(), 5));
                ByteBuffer in = ByteBuffer.allocate(16);
                b.receive(in);
                b.send(bytes("there, and more"), a.getLocalAddress());
                DatagramPacket packet = new DatagramPacket(new byte[8], 8);
                v.receive(packet);
                log.append("\nexchanged: ").append(Referee.text(in)).append(' ')
                        .append(new String(packet.getData(), 0, packet.getLength())).append(' ').append(packet.getLength())
                        .append(' ').append(port(packet.getSocketAddress()) == bport);
                v.setSoTimeout(30);
                try {
                    v.receive(new DatagramPacket(new byte[8], 8));
                    log.append("\nreceived");
                } catch (Exception e) {
                    log.append("\ntimeout: ").append(e.getClass().getName());
                }
                v.disconnect();
                log.append("\ndisconnected: ").append(state(v, bport)).append(' ').append(a.isConnected());
                v.setBroadcast(true);
                v.setReceiveBufferSize(65536);
                log.append("\noptions: ").append(v.getBroadcast()).append(' ').append(v.getReceiveBufferSize() > 0)
                        .append(' ').append(v.getSoTimeout()).append(' ').append(v.getReuseAddress());
                a.configureBlocking(false);
                try {
                    v.receive(new DatagramPacket(new byte[8], 8));
                    log.append("\nreceived non-blocking");
                } catch (Exception e) {
                    log.append("\nnon-blocking: ").append(e.getClass().getName());
                }
                a.close();
                log.append("\nclosed: ").append(state(v, bport));
                return log;
            }
        });
        scenario("multicast on lo: misuse of joins and keys", (p, dir) -> {
            NetworkInterface lo = NetworkInterface.getByName("lo");
            try (DatagramChannel v4 = p.openDatagramChannel(StandardProtocolFamily.INET).bind(new InetSocketAddress(0))) {
                List<String> seen = new ArrayList<>();
                for (Referee.Scenario s : List.<Referee.Scenario>of(
                        (q, d) -> v4.join(InetAddress.getByName("127.0.0.1"), lo),
                        (q, d) -> v4.join(InetAddress.getByName("ff02::1:3"), lo),
                        (q, d) -> v4.join(InetAddress.getByName("239.255.7.1"), lo, InetAddress.getByName("0.0.0.0")),
                        (q, d) -> v4.join(InetAddress.getByName("239.255.7.1"), lo, InetAddress.getByName("239.255.7.2")),
                        (q, d) -> v4.join(InetAddress.getByName("239.255.7.1"), lo, InetAddress.getByName("127.0.0.1"))
                                .block(InetAddress.getByName("127.0.0.2")),
                        (q, d) -> v4.join(InetAddress.getByName("239.255.7.3"), lo).unblock(InetAddress.getByName("127.0.0.1")),
                        (q, d) -> v4.join(InetAddress.getByName("239.255.7.4"), lo) == v4.join(InetAddress.getByName("239.255.7.4"), lo))) {
                    seen.add(Referee.outcome(s, p, dir));
                }
                return seen;
            }
        });
        for (String family : List.of("INET", "dual-stack")) {
            scenario("multicast on lo over " + family + ": join, block, unblock, drop, one source", (p, dir) -> {
                InetAddress group = InetAddress.getByName("239.255.7.7");
                NetworkInterface lo = NetworkInterface.getByName("lo");
                try (DatagramChannel r = family.equals("dual-stack") ? p.openDatagramChannel()
                        : p.openDatagramChannel(StandardProtocolFamily.INET);
                     DatagramChannel s = p.openDatagramChannel(StandardProtocolFamily.INET)) {
                    r.setOption(StandardSocketOptions.SO_REUSEADDR, true).bind(new InetSocketAddress(0));
                    s.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo).setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
                    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    InetAddress source = ((InetSocketAddress) s.getLocalAddress()).getAddress();
                    InetSocketAddress to = new InetSocketAddress(group, port(r.getLocalAddress()));
                    InetSocketAddress direct = new InetSocketAddress(InetAddress.getLoopbackAddress(), port(r.getLocalAddress()));
                    MembershipKey k = r.join(group, lo);
                    List<String> got = new ArrayList<>();
                    s.send(bytes("one"), to);
                    got.add(next(r));
                    k.block(source);
                    s.send(bytes("blocked"), to);
                    k.unblock(source);
                    s.send(bytes("two"), to);
                    got.add(next(r));
                    k.drop();
                    s.send(bytes("dropped"), to);
                    s.send(bytes("direct"), direct);
                    got.add(next(r));
                    MembershipKey one = r.join(group, lo, source);
                    s.send(bytes("from its source"), to);
                    got.add(next(r));
                    return got + " " + k.isValid() + " " + one.isValid() + " " + (one.sourceAddress().equals(source))
                            + " " + (one.channel() == r) + " " + one.group().equals(group) + " " + one.networkInterface().getName();
                }
            });
        }
        // IPv6 multicast is not routed on lo here (no multicast route, no MULTICAST flag): the kernel's own tables
        // say what the memberships are, /proc/net/igmp6 and /proc/net/mcfilter6
        scenario("multicast on lo over INET6: the kernel's memberships after join, block, unblock, drop, one source", (p, dir) -> {
            InetAddress group = InetAddress.getByName("ff12::7:7"), source = InetAddress.getByName("::1");
            NetworkInterface lo = NetworkInterface.getByName("lo");
            try (DatagramChannel r = p.openDatagramChannel(StandardProtocolFamily.INET6).bind(new InetSocketAddress(0))) {
                List<String> seen = new ArrayList<>();
                seen.add("none " + kernelMemberships6());
                MembershipKey k = r.join(group, lo);
                seen.add("joined " + kernelMemberships6());
                k.block(source);
                seen.add("blocked " + kernelMemberships6());
                k.unblock(source);
                seen.add("unblocked " + kernelMemberships6());
                k.drop();
                seen.add("dropped " + kernelMemberships6() + " " + k.isValid());
                MembershipKey one = r.join(group, lo, source);
                seen.add("one source " + kernelMemberships6());
                r.close();
                seen.add("closed " + kernelMemberships6() + " " + one.isValid());
                return seen;
            }
        });
    }

    /** The lines of the kernel's IPv6 multicast tables for the group ff12::7:7 (on any interface), as text. */
    private static String kernelMemberships6() throws java.io.IOException {
        String hex = "ff120000000000000000000000070007";
        List<String> lines = new ArrayList<>();
        for (String table : List.of("/proc/net/igmp6", "/proc/net/mcfilter6")) {
            for (String line : java.nio.file.Files.readAllLines(Path.of(table))) {
                if (line.contains(hex)) {
                    String[] f = line.trim().split("\\s+");
                    lines.add(table.substring(table.lastIndexOf('/') + 1) + ":" + String.join(",", java.util.Arrays.copyOfRange(f, 1, f.length))
                            .replace(hex, "G"));
                }
            }
        }
        return lines.toString();
    }

    private static String state(DatagramSocket v, int peerPort) {
        String s = "bound=" + v.isBound() + " connected=" + v.isConnected() + " closed=" + v.isClosed()
                + " port=" + v.getPort() + " inet=" + v.getInetAddress() + " remote=" + v.getRemoteSocketAddress()
                + " localPort=" + (v.getLocalPort() > 0 ? "L" : v.getLocalPort()) + " localAddr=" + v.getLocalAddress()
                + " local=" + v.getLocalSocketAddress();
        String l = v.getLocalPort() > 0 ? String.valueOf(v.getLocalPort()) : "\u0000";
        return s.replace(":" + l, ":L").replace(":" + peerPort, ":P").replace("=" + peerPort, "=P");
    }

    @Test
    void theDatagramChannelGivesWhatTheJdksGives() {
        Referee.assertSameOnBoth(SCENARIOS, dir);
    }

    /** A datagram channel nobody references is closed by a cleaner, as the JDK's: its descriptor does not leak. */
    @Test
    void aChannelNobodyReferencesIsClosed() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            var made = Fds.opened(() -> p.openDatagramChannel().bind(loopback()));
            int fd = made.the("socket:");
            made = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (Fds.isOpen(fd) && System.nanoTime() < deadline) {
                System.gc();
                Thread.onSpinWait();
            }
            assertFalse(Fds.isOpen(fd), p + ": the descriptor of an unreferenced channel is still open");
        }
    }
}
