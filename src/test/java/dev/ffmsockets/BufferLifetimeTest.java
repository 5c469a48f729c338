package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wrapper keeps no buffer alive: a direct buffer passed once is collected once its owner drops it. */
@ExtendWith(NoDescriptorLeaks.class)
class BufferLifetimeTest {

    /** Sends from and receives into a 128 MiB direct buffer once; returns it weakly held. */
    private static WeakReference<ByteBuffer> useOnce(Socket.Pair stream, Socket.Pair datagram) throws IOException {
        ByteBuffer big = ByteBuffer.allocateDirect(128 << 20);
        big.limit(16);
        assertEquals(16, stream.first().send(big));
        big.clear().limit(16);
        assertEquals(16, stream.second().recv(big));
        big.clear().limit(8);
        datagram.first().send(big);
        big.clear();
        datagram.second().recv(big);
        return new WeakReference<>(big);
    }

    private static boolean collected(WeakReference<ByteBuffer> ref) {
        for (int i = 0; i < 10 && !ref.refersTo(null); i++) {
            System.gc();
        }
        return ref.refersTo(null);
    }

    /** The thread that used the buffer lives on (a pool's thread, a server's): the buffer must not live with it. */
    @Test
    void aDirectBufferUsedOnceIsCollectedWhileTheThreadThatUsedItLivesOn() throws Exception {
        try (Socket.Pair stream = Socket.pair(Family.UNIX, SocketType.STREAM);
             Socket.Pair datagram = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            assertTrue(collected(useOnce(stream, datagram)), "on this platform thread");
            java.util.concurrent.CountDownLatch checked = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CompletableFuture<WeakReference<ByteBuffer>> used = new java.util.concurrent.CompletableFuture<>();
            Thread virtual = Thread.ofVirtual().start(() -> {
                try {
                    used.complete(useOnce(stream, datagram));
                    checked.await(); // alive while the buffer's fate is checked
                } catch (Exception e) {
                    used.completeExceptionally(e);
                }
            });
            boolean gone = collected(used.get());
            checked.countDown();
            virtual.join();
            assertTrue(gone, "on a virtual thread");
        }
    }

    /**
     * A large receive into a Java array is handed the array itself (no copy, by a critical call, which holds off
     * the garbage collector while it runs), so it must never wait inside that call: a thread waiting for data waits
     * in poll(2), and a collection meanwhile completes.
     */
    @Test
    void aLargeHeapReceiveWaitingForDataNeverHoldsUpTheGarbageCollector() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            byte[] big = new byte[1 << 20];
            dev.ffmsockets.testing.Background receiving = dev.ffmsockets.testing.Background.start(false, () -> {
                if (p.first().recv(big) != 3) {
                    throw new AssertionError("not the three bytes sent");
                }
            });
            dev.ffmsockets.testing.Fds.awaitBlockedInPoll(p.first().fd());
            java.util.concurrent.CompletableFuture<Void> gc = java.util.concurrent.CompletableFuture.runAsync(System::gc);
            gc.get(60, java.util.concurrent.TimeUnit.SECONDS);
            p.second().send(new byte[] {1, 2, 3});
            assertEquals(null, receiving.outcome().get(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(3, big[2]);
        }
    }
}
