package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** sendAll of 64 MiB arrives whole and byte-exact, through each kind of memory. */
@ExtendWith(NoDescriptorLeaks.class)
class BulkTest {

    private static final int SIZE = 64 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix-path"})
    void sixtyFourMebibytesArriveWholeAndExact(String kind) throws Exception {
        byte[] data = new byte[SIZE];
        new Random(2017).nextBytes(data);
        try (Connected c = Connected.make(kind, dir); Arena arena = Arena.ofShared()) {
            for (String how : new String[] {"array", "heap buffer", "direct buffer", "segment"}) {
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        switch (how) {
                            case "array" -> c.client().sendAll(data);
                            case "heap buffer" -> c.client().sendAll(ByteBuffer.wrap(data));
                            case "direct buffer" -> c.client().sendAll(ByteBuffer.allocateDirect(SIZE).put(data).flip());
                            default -> c.client().sendAll(arena.allocate(SIZE).copyFrom(MemorySegment.ofArray(data)));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                byte[] received = new byte[SIZE];
                int off = 0;
                switch (how) {
                    case "array", "segment" -> {
                        while (off < SIZE) {
                            int n = c.peer().recv(received, off, SIZE - off);
                            assertEquals(true, n > 0, how + ": received " + n + " at " + off);
                            off += n;
                        }
                    }
                    default -> {
                        ByteBuffer in = how.equals("direct buffer") ? ByteBuffer.allocateDirect(SIZE) : ByteBuffer.allocate(SIZE);
                        while (in.hasRemaining()) {
                            assertEquals(true, c.peer().recv(in) > 0);
                        }
                        in.flip().get(received);
                    }
                }
                sent.get(60, TimeUnit.SECONDS);
                assertArrayEquals(data, received, how);
            }
            MemorySegment native64 = arena.allocate(SIZE);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    c.client().sendAll(MemorySegment.ofArray(data));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            long off = 0;
            while (off < SIZE) {
                off += c.peer().recv(native64.asSlice(off));
            }
            sent.get(60, TimeUnit.SECONDS);
            assertArrayEquals(data, native64.toArray(JAVA_BYTE), "heap segment in, native segment out");
        }
    }
}
