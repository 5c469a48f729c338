package dev.ffmsockets.posix;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.raw.pollfd;
import dev.ffmsockets.raw.sockaddr_in;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Addrs.inet4;
import static dev.ffmsockets.posix.Addrs.localPort;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heap segments (Java arrays) work wherever a pointer is expected, and a blocked call never stalls the GC. */
class HeapSegmentTest {

    private Arena arena;
    private final int[] sv = new int[2];

    @BeforeEach
    void pair() {
        arena = Arena.ofShared();
        MemorySegment fds = MemorySegment.ofArray(new int[2]);
        assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM, 0, fds), "socketpair into a heap int[2]");
        sv[0] = fds.getAtIndex(JAVA_INT, 0);
        sv[1] = fds.getAtIndex(JAVA_INT, 1);
        assertTrue(Fds.target(sv[0]).startsWith("socket:"));
    }

    @AfterEach
    void closeAll() {
        close(sv[0]);
        close(sv[1]);
        arena.close();
    }

    @Test
    void sendAndRecvOnByteArrays() {
        byte[] out = "heap bytes travel".getBytes(StandardCharsets.US_ASCII);
        assertEquals(out.length, send(sv[0], MemorySegment.ofArray(out), out.length, 0));
        byte[] in = new byte[64];
        Arrays.fill(in, (byte) '#');
        long n = recv(sv[1], MemorySegment.ofArray(in), in.length, 0);
        assertEquals(out.length, n);
        assertArrayEquals(out, Arrays.copyOf(in, out.length));
        assertEquals('#', in[out.length], "nothing written past what was received");

        // a slice at an offset of an array, and read/write
        byte[] big = new byte[100];
        MemorySegment slice = MemorySegment.ofArray(big).asSlice(10, 20);
        assertEquals(3, write(sv[1], MemorySegment.ofArray("xyz".getBytes()), 3));
        assertEquals(3, read(sv[0], slice, 20));
        assertEquals('x', big[10]);
        assertEquals('z', big[12]);
        assertEquals(0, big[13]);
    }

    /** C ignores addrlen when addr is NULL; a heap addrlen then must not make the call fail. */
    @Test
    void aHeapLengthBesideANullAddressIsIgnoredAsCDoes() {
        assertEquals(1, send(sv[0], MemorySegment.ofArray(new byte[] {5}), 1, 0));
        byte[] in = new byte[4];
        assertEquals(1, recvfrom(sv[1], MemorySegment.ofArray(in), 4, 0, MemorySegment.NULL, MemorySegment.ofArray(new int[1])));
        assertEquals(5, in[0]);
    }

    @Test
    void largeHeapTransfersArriveWhole() throws Exception {
        byte[] out = new byte[3 << 20];
        new java.util.Random(42).nextBytes(out);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            long off = 0;
            MemorySegment all = MemorySegment.ofArray(out);
            while (off < out.length) {
                long n = send(sv[0], all.asSlice(off), out.length - off, 0);
                if (n < 0) {
                    throw new IllegalStateException(strerror(errno()));
                }
                off += n;
            }
        });
        byte[] in = new byte[out.length];
        MemorySegment all = MemorySegment.ofArray(in);
        long off = 0;
        while (off < in.length) {
            long n = recv(sv[1], all.asSlice(off), in.length - off, 0);
            assertTrue(n > 0);
            off += n;
        }
        writer.get(30, TimeUnit.SECONDS);
        assertArrayEquals(out, in);
    }

    @Test
    void addressesLengthsAndPollfdsMayLiveOnTheHeap() {
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        try {
            // heap memory for structs: a long[] gives the alignment jextract's accessors expect
            MemorySegment addr = MemorySegment.ofArray(new long[2]);
            MemorySegment.copy(inet4(arena, "127.0.0.1", 0), 0, addr, 0, sockaddr_in.sizeof());
            assertEquals(0, bind(udp, addr, (int) sockaddr_in.sizeof()));
            MemorySegment name = MemorySegment.ofArray(new long[2]);
            MemorySegment len = MemorySegment.ofArray(new int[] {(int) sockaddr_in.sizeof()});
            assertEquals(0, getsockname(udp, name, len));
            assertEquals(16, len.get(JAVA_INT, 0));
            assertEquals(localPort(udp), ntohs(sockaddr_in.sin_port(name)));

            MemorySegment pfd = MemorySegment.ofArray(new long[1]);
            pollfd.fd(pfd, sv[1]);
            pollfd.events(pfd, (short) POLLIN);
            assertEquals(0, poll(pfd, 1, 0));
            assertEquals(1, send(sv[0], MemorySegment.ofArray(new byte[1]), 1, 0));
            assertEquals(1, poll(pfd, 1, 1000));
            assertEquals(POLLIN, pollfd.revents(pfd));
        } finally {
            close(udp);
        }
    }

    /**
     * A recv into a heap segment that blocks for seconds must not hold up a garbage collection: the call is
     * not critical, so the blocked thread sits at a safepoint. The GC runs while the call is still blocked.
     */
    @Test
    void aBlockedHeapRecvDoesNotStallTheGarbageCollector() throws Exception {
        CompletableFuture<Long> blocked = new CompletableFuture<>();
        Thread receiver = Thread.ofPlatform().daemon().start(() -> {
            byte[] in = new byte[4096];
            blocked.complete(recv(sv[1], MemorySegment.ofArray(in), in.length, 0));
        });
        // wait until the thread is inside recv: /proc shows it blocked in recvfrom on this descriptor
        Fds.awaitBlockedIn(Fds.SYS_RECVFROM, sv[1]);
        WeakReference<Object> garbage = new WeakReference<>(new Object());
        Thread collector = Thread.ofPlatform().daemon().start(System::gc);
        collector.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(!collector.isAlive(), "System.gc() finished while recv was blocked");
        assertTrue(garbage.refersTo(null), "a full collection completed");
        assertTrue(!blocked.isDone(), "recv is still blocked after the GC ran");
        assertEquals(2, send(sv[0], MemorySegment.ofArray(new byte[] {7, 8}), 2, 0));
        assertEquals(2, blocked.get(20, TimeUnit.SECONDS));
        receiver.join();
    }
}
