package dev.ffmsockets.nio;

import dev.ffmsockets.Socket;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The provider's steady path: nothing allocated per operation; blocking channels park virtual threads. */
@ExtendWith(NoDescriptorLeaks.class)
class SelectorSteadyPathTest {

    /** A ping-pong between two channels under one selector, on this thread: select, iterate, remove, read, write. */
    private static void rounds(Selector sel, SocketChannel a, SocketChannel b, ByteBuffer buf, int n) throws Exception {
        SocketChannel[] order = {b, a};
        for (int i = 0; i < n; i++) {
            buf.clear().put((byte) i).flip();
            a.write(buf);
            for (SocketChannel expected : order) {
                boolean got = false;
                while (!got) {
                    sel.select();
                    for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        SocketChannel ch = (SocketChannel) k.channel();
                        buf.clear();
                        if (ch.read(buf) > 0 && ch == expected) {
                            got = true;
                            if (ch == b) {
                                buf.flip();
                                b.write(buf);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aSelectorDrivenPingPongAllocatesNothingPerRoundTrip() throws Throwable {
        dev.ffmsockets.testing.Emulation.needsC2();
        // com.sun.management.ThreadMXBean, reached reflectively: this module does not read jdk.management
        MethodHandle allocatedBytes = MethodHandles.publicLookup().findVirtual(
                Class.forName("com.sun.management.ThreadMXBean"), "getCurrentThreadAllocatedBytes",
                MethodType.methodType(long.class)).bindTo(ManagementFactory.getThreadMXBean());
        Socket.Pair pair = Socket.pair();
        try (SocketChannel a = FfmSocketChannel.of(pair.first()); SocketChannel b = FfmSocketChannel.of(pair.second());
             Selector sel = FfmSelectorProvider.provider().openSelector()) {
            a.configureBlocking(false);
            b.configureBlocking(false);
            a.register(sel, SelectionKey.OP_READ);
            b.register(sel, SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            // rounds until one is quiet (the compiler may still be at work on the first ones); an allocation per
            // round trip, or per selection, shows in every round: 20,000 round trips, 40,000 selections
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 15 && allocated >= 20_000; round++) {
                long before = (long) allocatedBytes.invokeExact();
                rounds(sel, a, b, buf, 20_000);
                allocated = (long) allocatedBytes.invokeExact() - before;
            }
            assertTrue(allocated < 20_000, "bytes allocated over 20,000 round trips: " + allocated);
        }
    }

    @Test
    void blockingChannelsParkVirtualThreads() throws Exception {
        int n = 500;
        List<SocketChannel[]> pairs = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                Socket.Pair p = Socket.pair();
                pairs.add(new SocketChannel[] {FfmSocketChannel.of(p.first()), FfmSocketChannel.of(p.second())});
            }
            List<Future<Integer>> reads = new ArrayList<>();
            for (SocketChannel[] p : pairs) {
                reads.add(pool.submit(() -> {
                    ByteBuffer one = ByteBuffer.allocate(4);
                    p[1].read(one); // blocks: 500 of them on a handful of carriers, parked, not pinned
                    return one.flip().getInt();
                }));
            }
            for (int i = 0; i < n; i++) {
                pairs.get(i)[0].write(ByteBuffer.allocate(4).putInt(0, i));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i, reads.get(i).get());
            }
        } finally {
            for (SocketChannel[] p : pairs) {
                p[0].close();
                p[1].close();
            }
        }
    }
}
