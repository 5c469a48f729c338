package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.pollfd;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error queue ({@link MsgFlag#ERRQUEUE}, ip(7)) is read without waiting, whatever the socket's mode, timeout or
 * thread: an empty queue answers at once (C gets {@code EAGAIN} at once on a blocking socket), ordinary data queued
 * does not make the call spin or wait, and a queued error arrives as {@link ControlMessage.ExtendedError}.
 */
@ExtendWith(NoDescriptorLeaks.class)
class ErrorQueueTest {

    /** The socket's state when the error queue is read. */
    enum Mode { BLOCKING, TIMEOUT, NON_BLOCKING, VIRTUAL_THREAD }

    private static Socket udp(Family family, Mode mode) throws Exception {
        Socket s = Socket.open(family, SocketType.DGRAM);
        s.bind(family == Family.INET ? InetSockAddr.loopback(0) : InetSockAddr.loopback6(0));
        s.setOption(LinuxSocketOptions.IP_RECVERR, true);
        assertTrue(s.getOption(LinuxSocketOptions.IP_RECVERR));
        if (mode == Mode.TIMEOUT) {
            s.setTimeout(Duration.ofMinutes(5)); // long enough that waiting it out would fail the test
        } else if (mode == Mode.NON_BLOCKING) {
            s.setBlocking(false);
        }
        return s;
    }

    /** Runs {@code call} on the thread the mode says, failing if it does not return in 20 s (it would wait forever). */
    private static void promptly(Mode mode, Background.Call call) throws Exception {
        Throwable t = Background.start(mode == Mode.VIRTUAL_THREAD, call).outcome().get(20, TimeUnit.SECONDS);
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"INET, BLOCKING", "INET, TIMEOUT", "INET, NON_BLOCKING", "INET, VIRTUAL_THREAD",
            "INET6, BLOCKING", "INET6, VIRTUAL_THREAD"})
    void anEmptyErrorQueueAnswersAtOnceAndOrdinaryDataStaysQueued(Family family, Mode mode) throws Exception {
        try (Socket s = udp(family, mode)) {
            promptly(mode, () -> {
                assertNull(s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(64)}, 256, MsgFlag.ERRQUEUE));
                assertEquals(0, s.recv(ByteBuffer.allocate(64), MsgFlag.ERRQUEUE));
                // WAITALL means nothing to the error queue: still no wait
                assertNull(s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(64)}, 256, MsgFlag.ERRQUEUE,
                        MsgFlag.WAITALL));
            });
            // a datagram in the ordinary queue makes the socket readable; the error queue is still empty
            for (int i = 0; i < 3; i++) {
                s.sendTo(("datagram " + i).getBytes(US_ASCII), s.localAddress());
            }
            promptly(mode, () -> {
                for (int i = 0; i < 100; i++) {
                    assertNull(s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(64)}, 256, MsgFlag.ERRQUEUE));
                }
            });
            for (int i = 0; i < 3; i++) {
                byte[] in = new byte[64];
                int n = s.recv(in);
                assertEquals("datagram " + i, new String(in, 0, n, US_ASCII), "ordinary data untouched");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Mode.class)
    void aPortUnreachableIsReadFromTheErrorQueue(Mode mode) throws Exception {
        for (Family family : new Family[] {Family.INET, Family.INET6}) {
            try (Socket s = udp(family, mode)) {
                SockAddr closed;
                try (Socket gone = Socket.open(family, SocketType.DGRAM)) {
                    gone.bind(family == Family.INET ? InetSockAddr.loopback(0) : InetSockAddr.loopback6(0));
                    closed = gone.localAddress();
                }
                byte[] payload = ("to nobody over " + family).getBytes(US_ASCII);
                s.sendTo(payload, closed);
                awaitError(s);
                promptly(mode, () -> {
                    ByteBuffer in = ByteBuffer.allocate(256);
                    try (Message m = s.recvMsg(new ByteBuffer[] {in}, 512, MsgFlag.ERRQUEUE)) {
                        assertTrue(m != null, "the queued error");
                        assertArrayEquals(payload, java.util.Arrays.copyOf(in.array(), in.position()),
                                "the datagram that failed comes back with its error");
                        List<ControlMessage.ExtendedError> errors = m.control().stream()
                                .filter(c -> c instanceof ControlMessage.ExtendedError)
                                .map(c -> (ControlMessage.ExtendedError) c).toList();
                        assertEquals(1, errors.size(), m.control().toString());
                        ControlMessage.ExtendedError e = errors.getFirst();
                        assertEquals(Posix.ECONNREFUSED, e.errno());
                        assertEquals(family == Family.INET ? 2 : 3, e.origin(), "SO_EE_ORIGIN_ICMP or ICMP6");
                        // ICMP port unreachable (type 3 code 3), ICMPv6 (type 1 code 4)
                        assertEquals(family == Family.INET ? 3 : 1, e.type());
                        assertEquals(family == Family.INET ? 3 : 4, e.code());
                        InetSockAddr offender = assertInstanceOf(InetSockAddr.class, e.offender());
                        assertTrue(offender.address().isLoopbackAddress(), offender.toString());
                    }
                    // and then the queue is empty again, answered at once
                    assertNull(s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(64)}, 256, MsgFlag.ERRQUEUE));
                });
            }
        }
    }

    /** Waits (poll(2), at most 10 s) until the socket reports an error: the kernel has queued the ICMP error. */
    private static void awaitError(Socket s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = pollfd.allocate(a);
            pollfd.fd(p, s.fd());
            pollfd.events(p, (short) 0);
            int n = Posix.poll(p, 1, 10_000);
            assertEquals(1, n, "an error within 10 s");
            assertTrue((pollfd.revents(p) & Posix.POLLERR) != 0, "POLLERR: " + pollfd.revents(p));
        }
    }
}
