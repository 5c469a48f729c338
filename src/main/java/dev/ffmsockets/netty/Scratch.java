package dev.ffmsockets.netty;

import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An event loop's native memory for its channels' calls, which all run on the loop's thread: the errno capture, a
 * {@code msghdr} with room for {@link #IOV_MAX} {@code iovec}s for gathering writes, and a {@code sockaddr_storage}
 * with its length for the address of a datagram. Allocated once per loop.
 */
final class Scratch {

    /** The most buffers one {@code sendmsg(2)} takes ({@code IOV_MAX} on Linux). */
    static final int IOV_MAX = 1024;
    static final long IOV_SIZE = iovec.layout().byteSize();
    static final long IOV_BASE = iovec.iov_base$offset(), IOV_LEN = iovec.iov_len$offset();

    /** {@code sizeof(struct sockaddr_storage)}. */
    static final int ADDR_SIZE = 128;

    final MemorySegment capture, iov, msg, addr, addrLen;

    Scratch(Arena arena) {
        capture = arena.allocate(Kernel.CAPTURE);
        iov = arena.allocate(iovec.layout(), IOV_MAX);
        msg = arena.allocate(msghdr.layout());
        msghdr.msg_iov(msg, iov);
        addr = arena.allocate(ADDR_SIZE, 8);
        addrLen = arena.allocate(ValueLayout.JAVA_INT);
    }
}
