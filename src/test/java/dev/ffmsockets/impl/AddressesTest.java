package dev.ffmsockets.impl;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static dev.ffmsockets.posix.Posix.AF_INET;
import static dev.ffmsockets.posix.Posix.AF_INET6;
import static dev.ffmsockets.posix.Posix.AF_UNIX;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/** The address codec: what the kernel reports is always decoded, and what is decoded can be encoded back. */
class AddressesTest {

    @Test
    void decodingAnyBytesOfAnyLengthNeverThrowsAndEncodesBack() {
        Random random = new Random(42);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment storage = arena.allocate(128), again = arena.allocate(128);
            int[] families = {AF_INET, AF_INET6, AF_UNIX, 0, 17, 0xFFFF};
            for (int i = 0; i < dev.ffmsockets.testing.Emulation.scaled(200_000); i++) {
                byte[] bytes = new byte[128];
                random.nextBytes(bytes);
                if (i % 3 == 0) {
                    for (int j = 2 + random.nextInt(126); j < 128; j++) {
                        bytes[j] = 0; // NULs where a pathname would end
                    }
                }
                MemorySegment.copy(bytes, 0, storage, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, 128);
                storage.set(JAVA_SHORT_UNALIGNED, 0, (short) families[random.nextInt(families.length)]);
                int length = random.nextInt(131);
                Family socket = Family.values()[random.nextInt(3)];
                SockAddr a;
                try {
                    a = Addresses.decode(storage, length, socket);
                } catch (RuntimeException e) {
                    throw new AssertionError("decoding " + length + " bytes of family " + storage.get(JAVA_SHORT_UNALIGNED, 0)
                            + " threw", e);
                }
                if (a != null) {
                    assertEquals(a, Addresses.decode(again, Addresses.encode(a, again), socket), "round trip of " + a);
                }
            }
        }
    }

    @Test
    void decodingGivesWhatTheKernelMeant() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(128);
            assertNull(Addresses.decode(s, 0, Family.INET), "no address for a connected stream's recvfrom");
            assertEquals(UnixSockAddr.unnamed(), Addresses.decode(s, 0, Family.UNIX));
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_UNIX);
            assertEquals(UnixSockAddr.unnamed(), Addresses.decode(s, 2, Family.UNIX));
            for (int i = 0; i < 108; i++) {
                s.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 + i, (byte) 'p');
            }
            UnixSockAddr full = (UnixSockAddr) Addresses.decode(s, 110, Family.UNIX);
            assertEquals(108, full.sunPath().length, "a pathname filling sun_path, with no NUL");
            assertEquals(110, Addresses.encode(full, s), "and it encodes back to all of sun_path");
            SockAddr v4 = InetSockAddr.of("10.1.2.3", 65535);
            assertEquals(v4, Addresses.decode(s, Addresses.encode(v4, s), Family.INET));
            s.fill((byte) 0);
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_INET6);
            s.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, 24, -5); // a scope id beyond 2^31
            assertEquals(0, ((InetSockAddr) Addresses.decode(s, 28, Family.INET6)).scopeId());
            assertArrayEquals(new byte[16], ((InetSockAddr) Addresses.decode(s, 10, Family.INET6)).address().getAddress(),
                    "bytes beyond a short length read as zero");
        } catch (Exception e) {
            fail(e);
        }
    }
}
