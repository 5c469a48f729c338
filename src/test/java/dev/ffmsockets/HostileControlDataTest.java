package dev.ffmsockets;

import dev.ffmsockets.nio.FfmSelectorProvider;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.testing.Emulation;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hostile peer: random control data crafted by hand through the C-style {@code sendmsg} (descriptors by the
 * hundred, credentials, unknown levels and types, lengths that lie) against {@code recvMsg} with room too small and
 * large enough, {@code recvMany}, and the provider's {@code DatagramChannel}. After every round the process has
 * exactly the descriptors it had before, and every byte of every message the kernel accepted was delivered, in order.
 */
@ExtendWith(NoDescriptorLeaks.class)
class HostileControlDataTest {

    private static final int ROUNDS = 300;

    /** A crafted control buffer: the bytes, and the descriptors it names (to know what the kernel may install). */
    private record Crafted(byte[] bytes, int descriptors) {
    }

    /** Random control messages, some well formed, some not; their descriptors are copies of {@code fds}. */
    private static Crafted craft(Random r, int[] fds, boolean unix) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = r.nextInt(4), descriptors = 0;
        for (int i = 0; i < count; i++) {
            int level, type;
            byte[] data;
            int kind = r.nextInt(unix ? 5 : 3);
            switch (kind) {
                case 0 -> { // an unknown level, ignored or refused by the kernel
                    level = 1000 + r.nextInt(1000);
                    type = r.nextInt(100);
                    data = new byte[r.nextInt(48)];
                    r.nextBytes(data);
                }
                case 1 -> { // a level the family knows, with a random type and data
                    level = unix ? SOL_SOCKET : IPPROTO_IP;
                    type = unix ? 3 + r.nextInt(60) : 100 + r.nextInt(100);
                    data = new byte[r.nextInt(24)];
                    r.nextBytes(data);
                }
                case 2 -> { // IP_TTL or IP_TOS, valid or not; for Unix, this process's own credentials
                    if (unix) {
                        level = SOL_SOCKET;
                        type = SCM_CREDENTIALS;
                        data = ints(Posix.getpid(), Posix.getuid(), Posix.getgid());
                    } else {
                        level = IPPROTO_IP;
                        type = r.nextBoolean() ? IP_TTL : IP_TOS;
                        data = ints(r.nextInt(300));
                    }
                }
                default -> { // descriptors: a few, or close to the most one message may carry
                    level = SOL_SOCKET;
                    type = SCM_RIGHTS;
                    int n = r.nextInt(10) == 0 ? 200 + r.nextInt(60) : 1 + r.nextInt(12);
                    int[] some = new int[n];
                    for (int k = 0; k < n; k++) {
                        some[k] = fds[r.nextInt(fds.length)];
                    }
                    data = ints(some);
                    descriptors += n;
                }
            }
            long len = 16 + data.length;
            if (r.nextInt(12) == 0) {
                len = r.nextInt(80); // a length that lies
            }
            ByteBuffer h = ByteBuffer.allocate(16).order(java.nio.ByteOrder.nativeOrder());
            h.putLong(len).putInt(level).putInt(type);
            out.writeBytes(h.array());
            out.writeBytes(data);
            out.writeBytes(new byte[(int) (CMSG_ALIGN(data.length) - data.length)]);
        }
        byte[] b = out.toByteArray();
        if (b.length > 0 && r.nextInt(15) == 0) {
            b = Arrays.copyOf(b, r.nextInt(b.length)); // cut short: a truncated header or data
        }
        return new Crafted(b, descriptors);
    }

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.nativeOrder());
        for (int x : v) {
            b.putInt(x);
        }
        return b.array();
    }

    /** The C-style sendmsg of {@code payload} with {@code control}; what C returned (-1 when refused). */
    private static long send(int fd, byte[] payload, byte[] control, MemorySegment target, int targetLen) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment msg = msghdr.allocate(a), iov = iovec.allocate(a);
            MemorySegment data = a.allocate(Math.max(1, payload.length));
            MemorySegment.copy(payload, 0, data, JAVA_BYTE, 0, payload.length);
            iovec.iov_base(iov, data);
            iovec.iov_len(iov, payload.length);
            msghdr.msg_iov(msg, iov);
            msghdr.msg_iovlen(msg, 1);
            if (target != null) {
                msghdr.msg_name(msg, target);
                msghdr.msg_namelen(msg, targetLen);
            }
            if (control.length > 0) {
                MemorySegment c = a.allocate(control.length, 8);
                MemorySegment.copy(control, 0, c, JAVA_BYTE, 0, control.length);
                msghdr.msg_control(msg, c);
                msghdr.msg_controllen(msg, control.length);
            }
            return Posix.sendmsg(fd, msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        }
    }

    /** Descriptors to pass: both ends of a pair and an extra socket, closed at the end. */
    private static Socket[] sources() throws Exception {
        Socket.Pair p = Socket.pair();
        return new Socket[] {p.first(), p.second(), Socket.open(Family.INET, SocketType.DGRAM)};
    }

    private static int[] fds(Socket[] s) {
        return Arrays.stream(s).mapToInt(Socket::fd).toArray();
    }

    private static void closeAll(Socket[] s) {
        for (Socket x : s) {
            x.close();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void unixDatagramsThroughRecvMsgAndRecvMany(long seed) throws Exception {
        Emulation.nativeOnly(Emulation.Difference.CMSG_TRANSLATION);
        Emulation.nativeOnly(Emulation.Difference.SCM_RIGHTS_CUT);
        Random r = new Random(seed);
        Socket[] sources = sources();
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM);
             DatagramBatch batch = DatagramBatch.allocate(8, 512)) {
            p.second().setOption(LinuxSocketOptions.SO_PASSCRED, r.nextBoolean());
            p.second().setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            long before = Fds.open();
            int accepted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                boolean many = r.nextBoolean();
                List<byte[]> sent = new ArrayList<>();
                for (int k = many ? 1 + r.nextInt(8) : 1; k > 0; k--) {
                    byte[] payload = new byte[r.nextInt(400)];
                    r.nextBytes(payload);
                    if (send(p.first().fd(), payload, craft(r, fds(sources), true).bytes(), null, 0) >= 0) {
                        sent.add(payload);
                    }
                }
                accepted += sent.size();
                if (many) {
                    int got = 0;
                    while (got < sent.size()) {
                        int n = p.second().recvMany(batch, MsgFlag.DONTWAIT);
                        assertTrue(n > 0, "round " + round + ": " + got + " of " + sent.size() + " datagrams");
                        for (int i = 0; i < n; i++) {
                            byte[] expected = sent.get(got + i);
                            assertEquals(expected.length, batch.length(i), "round " + round);
                            assertArrayEquals(expected, batch.bytes(i), "round " + round);
                        }
                        got += n;
                    }
                    if (r.nextBoolean()) {
                        batch.clear(); // else the next receive releases what this one brought
                    }
                } else {
                    for (byte[] expected : sent) {
                        int room = switch (r.nextInt(4)) {
                            case 0 -> 0;
                            case 1 -> 16 + r.nextInt(40);
                            case 2 -> ControlMessage.spaceForDescriptors(1 + r.nextInt(20));
                            default -> 8192;
                        };
                        ByteBuffer in = ByteBuffer.allocate(512);
                        try (Message m = p.second().recvMsg(new ByteBuffer[] {in}, room, MsgFlag.DONTWAIT)) {
                            assertTrue(m != null, "round " + round + ": the datagram");
                            assertEquals(expected.length, m.length());
                            assertArrayEquals(expected, Arrays.copyOf(in.array(), in.position()));
                            if (!m.descriptors().isEmpty() && r.nextBoolean()) {
                                Posix.close(m.descriptors().getFirst().take()); // one taken and closed by us
                            }
                        }
                    }
                }
                batch.clear();
                assertEquals(before, Fds.open(), "round " + round + ": the descriptors the kernel installed");
            }
            assertTrue(accepted > ROUNDS / 2, "most crafted messages were accepted: " + accepted);
        } finally {
            closeAll(sources);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"STREAM", "SEQPACKET"})
    void unixStreamsAndPacketsThroughRecvMsg(SocketType type) throws Exception {
        Emulation.nativeOnly(Emulation.Difference.CMSG_TRANSLATION);
        Emulation.nativeOnly(Emulation.Difference.SCM_RIGHTS_CUT);
        Random r = new Random(type.ordinal() + 7);
        Socket[] sources = sources();
        try (Socket.Pair p = Socket.pair(Family.UNIX, type)) {
            p.second().setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            long before = Fds.open();
            ByteArrayOutputStream expected = new ByteArrayOutputStream(), got = new ByteArrayOutputStream();
            for (int round = 0; round < ROUNDS; round++) {
                byte[] payload = new byte[1 + r.nextInt(300)];
                r.nextBytes(payload);
                if (send(p.first().fd(), payload, craft(r, fds(sources), true).bytes(), null, 0) >= 0) {
                    expected.writeBytes(payload);
                }
                // receive everything queued, in pieces of random size, with random room for control data
                while (got.size() < expected.size()) {
                    ByteBuffer in = ByteBuffer.allocate(type == SocketType.STREAM ? 1 + r.nextInt(400) : 400);
                    int room = r.nextBoolean() ? r.nextInt(64) : 8192;
                    try (Message m = p.second().recvMsg(new ByteBuffer[] {in}, room, MsgFlag.DONTWAIT)) {
                        assertTrue(m != null && m.length() > 0, "round " + round + ": bytes queued");
                        got.write(in.array(), 0, in.position());
                    }
                }
                assertArrayEquals(expected.toByteArray(), got.toByteArray(), "round " + round);
                assertEquals(before, Fds.open(), "round " + round + ": the descriptors the kernel installed");
            }
        } finally {
            closeAll(sources);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12})
    void udpThroughTheProvidersDatagramChannel(long seed) throws Exception {
        Emulation.nativeOnly(Emulation.Difference.CMSG_TRANSLATION);
        Random r = new Random(seed);
        try (DatagramChannel ch = FfmSelectorProvider.provider().openDatagramChannel();
             Socket sender = Socket.open(Family.INET, SocketType.DGRAM); Arena a = Arena.ofConfined()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            sender.bind(InetSockAddr.loopback(0));
            MemorySegment to = a.allocate(16);
            to.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            to.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 2, Short.reverseBytes((short) port));
            to.set(JAVA_INT, 4, Integer.reverseBytes(0x7f000001));
            long before = Fds.open();
            int accepted = 0;
            for (int round = 0; round < ROUNDS; round++) {
                byte[] payload = new byte[r.nextInt(1200)];
                r.nextBytes(payload);
                if (send(sender.fd(), payload, craft(r, new int[0], false).bytes(), to, 16) < 0) {
                    continue;
                }
                accepted++;
                ByteBuffer in = ByteBuffer.allocate(2048);
                InetSocketAddress from = (InetSocketAddress) ch.receive(in);
                assertEquals(((InetSockAddr) sender.localAddress()).port(), from.getPort(), "round " + round);
                assertArrayEquals(payload, Arrays.copyOf(in.array(), in.position()), "round " + round);
            }
            assertTrue(accepted > ROUNDS / 3, "crafted datagrams accepted: " + accepted);
            assertEquals(before, Fds.open());
        }
    }

    /** Guards the helper: a well-formed SCM_RIGHTS built by {@link #craft} is what the kernel takes. */
    @org.junit.jupiter.api.Test
    void aWellFormedCraftedMessageIsAccepted() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Socket.Pair passed = Socket.pair()) {
            ByteBuffer h = ByteBuffer.allocate(24).order(java.nio.ByteOrder.nativeOrder());
            h.putLong(20).putInt(SOL_SOCKET).putInt(SCM_RIGHTS).putInt(passed.first().fd()).putInt(0);
            assertEquals(3, send(p.first().fd(), new byte[] {1, 2, 3}, h.array(), null, 0));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(8)},
                    ControlMessage.spaceForDescriptors(1))) {
                assertEquals(1, m.descriptors().size());
            }
        }
    }
}
