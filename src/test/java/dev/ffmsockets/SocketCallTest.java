package dev.ffmsockets;

import dev.ffmsockets.SocketCall.Readiness;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Socket#call}: a C call of the caller's under the wrapper's guarantees — waits for readiness on
 * {@code EAGAIN}, the timeout, a close from another thread, errno as an exception — on platform and virtual threads.
 */
@ExtendWith(NoDescriptorLeaks.class)
class SocketCallTest {

    /** {@code struct tcp_info}: its first byte is {@code tcpi_state}; 1 is {@code TCP_ESTABLISHED}. */
    private static final int TCP_INFO_SIZE = 232, TCP_ESTABLISHED = 1;

    @Test
    void tcpInfoThroughGetsockopt() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.TCP_INFO);
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM);
             Socket client = Socket.open(Family.INET, SocketType.STREAM);
             Arena arena = Arena.ofConfined()) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(1);
            client.connect(server.localAddress());
            try (Socket peer = server.accept()) {
                MemorySegment info = arena.allocate(TCP_INFO_SIZE), len = arena.allocateFrom(C_INT, TCP_INFO_SIZE);
                assertEquals(0, client.call(Readiness.NONE, fd -> getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, len)));
                assertEquals(TCP_ESTABLISHED, info.get(JAVA_BYTE, 0));
                assertTrue(len.get(JAVA_INT, 0) > 100, "the kernel wrote the struct");
                peer.getOption(LinuxSocketOptions.SO_ERROR);
            }
            // a failing call throws with its errno
            MemorySegment small = arena.allocate(4), len = arena.allocateFrom(C_INT, 4);
            ErrnoException e = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class,
                    () -> client.call(Readiness.NONE, fd -> getsockopt(fd, IPPROTO_TCP, 9999, small, len))));
            assertEquals(ENOPROTOOPT, e.errno());
        }
    }

    /** recvmmsg(2) written by hand: the call parks on EAGAIN until datagrams come, on either kind of thread. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void recvmmsgByHandWaitsForReadiness(boolean virtual) throws Exception {
        try (Socket receiver = Socket.open(Family.INET, SocketType.DGRAM);
             Socket sender = Socket.open(Family.INET, SocketType.DGRAM);
             Arena arena = Arena.ofShared()) {
            receiver.bind(InetSockAddr.loopback(0));
            receiver.setTimeout(Duration.ofSeconds(20)); // non-blocking descriptor: the call itself never blocks
            int n = 4;
            MemorySegment vec = arena.allocate(mmsghdr.layout(), n), iov = arena.allocate(iovec.layout(), n);
            MemorySegment bufs = arena.allocate(64L * n);
            for (int i = 0; i < n; i++) {
                MemorySegment v = iovec.asSlice(iov, i);
                iovec.iov_base(v, bufs.asSlice(64L * i, 64));
                iovec.iov_len(v, 64);
                MemorySegment h = mmsghdr.msg_hdr(mmsghdr.asSlice(vec, i));
                msghdr.msg_iov(h, v);
                msghdr.msg_iovlen(h, 1);
            }
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger got = new AtomicInteger();
            Background b = Background.start(virtual, () -> got.set((int) receiver.call(Readiness.READ, fd -> {
                calls.incrementAndGet();
                return recvmmsg(fd, vec, n, MSG_WAITFORONE, MemorySegment.NULL);
            })));
            if (!virtual) {
                Fds.awaitBlockedInPoll(receiver.fd()); // it failed with EAGAIN and waits
            }
            for (int i = 0; i < n; i++) {
                sender.sendTo(("datagram " + i).getBytes(US_ASCII), receiver.localAddress());
            }
            assertEquals(null, b.outcome().get());
            assertTrue(got.get() >= 1 && got.get() <= n, "received " + got.get());
            assertTrue(calls.get() >= 1);
            for (int i = 0; i < got.get(); i++) {
                int len = mmsghdr.msg_len(mmsghdr.asSlice(vec, i));
                assertEquals("datagram " + i, new String(bufs.asSlice(64L * i, len).toArray(JAVA_BYTE), US_ASCII));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCloseFromAnotherThreadEndsABlockedCall(boolean virtual) throws Exception {
        Socket.Pair p = Socket.pair();
        try (p; Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            int fd = p.second().fd();
            Background b = Background.start(virtual, () -> p.second().call(Readiness.READ, d -> recv(d, buf, 16, 0)));
            if (virtual) {
                // parked in the poller after EAGAIN: the descriptor became non-blocking for the virtual thread
                while (b.thread().getState() != Thread.State.WAITING && b.thread().getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
            } else {
                Fds.awaitBlockedIn(Fds.SYS_RECVFROM, fd); // the caller's own recv, blocking in the kernel
            }
            p.second().close();
            Throwable t = b.outcome().get();
            assertInstanceOf(SocketException.class, t);
            assertTrue(t.getMessage().contains("Socket closed"), t.getMessage());
        }
    }

    @Test
    void theTimeoutBoundsTheWaitsAndNonBlockingModeReturnsMinusOne() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            p.second().setTimeout(Duration.ofMillis(50));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> p.second().call(Readiness.READ, fd -> recv(fd, buf, 16, 0)));
            assertTrue(e.getMessage().contains("call"), e.getMessage());
            p.second().setBlocking(false);
            assertEquals(-1, p.second().call(Readiness.READ, fd -> recv(fd, buf, 16, 0)));
            // Readiness.NONE: EAGAIN is an error like any other
            ErrnoException none = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class,
                    () -> p.second().call(Readiness.NONE, fd -> recv(fd, buf, 16, 0))));
            assertEquals(EAGAIN, none.errno());
            p.first().send(new byte[] {42});
            assertEquals(1, p.second().call(Readiness.READ, fd -> recv(fd, buf, 16, 0)));
            assertEquals(42, buf.get(JAVA_BYTE, 0));
        }
    }

    @Test
    void aClosedSocketRunsNoCall() throws Exception {
        Socket s = Socket.open(Family.INET, SocketType.STREAM);
        s.close();
        AtomicInteger calls = new AtomicInteger();
        assertThrows(SocketException.class, () -> s.call(Readiness.NONE, fd -> calls.incrementAndGet()));
        assertEquals(0, calls.get());
        assertThrows(NullPointerException.class, () -> s.call(null, fd -> 0));
    }

    /** {@code ioctl} linked by the caller, reporting its errno into the segment it is given. */
    private static final java.lang.invoke.MethodHandle OWN_IOCTL = java.lang.foreign.Linker.nativeLinker()
            .downcallHandle(java.lang.foreign.Linker.nativeLinker().defaultLookup().find("ioctl").orElseThrow(),
                    java.lang.foreign.FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG,
                            java.lang.foreign.ValueLayout.ADDRESS),
                    java.lang.foreign.Linker.Option.captureCallState("errno"),
                    java.lang.foreign.Linker.Option.firstVariadicArg(2));

    /** A request no socket knows: ENOTTY. */
    private static final long NO_SUCH_REQUEST = 0x7F7F;

    /** Leaves {@code errno} at {@code EAGAIN}, as a failed receive before the call would. */
    private static void staleEagain(Socket.Pair p) {
        try (Arena a = Arena.ofConfined()) {
            assertEquals(-1, recv(p.second().fd(), a.allocate(1), 1, MSG_DONTWAIT));
            assertEquals(EAGAIN, errno());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCapturingCallReportsItsOwnErrnoNotAStaleOne(boolean virtual) throws Exception {
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofShared()) {
            MemorySegment n = arena.allocate(JAVA_INT);
            Throwable t = Background.start(virtual, () -> {
                staleEagain(p);
                p.first().send(new byte[] {1, 2, 3});
                // the truth (Linux: ENOTTY; an emulator that does not know the request: ENOSYS) is reported at once
                // even with READ readiness (EAGAIN would have made it wait)
                ErrnoException e = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class,
                        () -> p.second().call(Readiness.READ,
                                (fd, state) -> (int) OWN_IOCTL.invokeExact(state, fd, NO_SUCH_REQUEST, n))));
                assertEquals(dev.ffmsockets.testing.Emulation.EMULATOR == null ? ENOTTY : ENOSYS, e.errno());
                // and one that succeeds returns what C returned
                assertEquals(0, p.second().call(Readiness.NONE,
                        (fd, state) -> (int) OWN_IOCTL.invokeExact(state, fd, (long) FIONREAD, n)));
                assertEquals(3, n.get(JAVA_INT, 0));
                // a failure that captured nothing is the caller's mistake, said so, not a stale errno
                IllegalStateException none = assertThrows(IllegalStateException.class,
                        () -> p.second().call(Readiness.READ, (fd, state) -> -1));
                assertTrue(none.getMessage().contains("captureCallState"), none.getMessage());
            }).outcome().get();
            if (t != null) {
                throw new AssertionError(t);
            }
        }
    }

    @Test
    void aCallThatFailsWithoutSettingErrnoIsNotTakenForAnEarlierCallsErrno() throws Exception {
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofConfined()) {
            staleEagain(p);
            // -1 without errno: before, the stale EAGAIN made the call wait for readiness and retry
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.second().call(Readiness.READ, fd -> -1));
            assertTrue(e.getMessage().contains("Capturing"), e.getMessage());
            // a C-style call that fails reports its own errno
            MemorySegment n = arena.allocate(JAVA_INT);
            staleEagain(p);
            ErrnoException x = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class,
                    () -> p.second().call(Readiness.READ, fd -> ioctl(-1, FIONREAD, n))));
            assertEquals(EBADF, x.errno());
            p.first().send(new byte[5]);
            assertEquals(0, p.second().call(Readiness.NONE, fd -> ioctl(fd, SIOCINQ, n)));
            assertEquals(5, n.get(JAVA_INT, 0));
        }
    }
}
