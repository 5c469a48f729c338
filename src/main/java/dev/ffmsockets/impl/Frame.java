package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.poller.Pool;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_storage;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The native memory of one system call: where errno is captured, an address to send to and one received, an
 * option value, a {@code pollfd}, the {@code msghdr}, {@code iovec}s and control data of a message of a few
 * buffers, and a buffer through which heap memory is sent and received.
 *
 * <p>A frame is held only around a system call and never across a wait: a virtual thread takes one from a small
 * shared pool and gives it back before it parks, so ten thousand virtual threads waiting in {@code recv} hold
 * none. A platform thread keeps its own (it never parks with work to do for others, and a platform thread is
 * costly already), which also makes it this thread's entry in a {@link Descriptor}'s waiters, with the thread id
 * a signal is sent to.
 *
 * <p>It also remembers the last address encoded and decoded, so that a loop that answers the same peer
 * allocates nothing.
 */
public final class Frame {

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(groupElement("errno")).withInvokeExactBehavior();

    /** Heap memory goes through the buffer in chunks of at most this (a datagram whole). */
    public static final int CHUNK = 64 * 1024;
    private static final long STORAGE = sockaddr_storage.sizeof();
    /** The {@code iovec}s of a message call that the frame holds; a call with more takes memory of its own. */
    static final int IOVS = 16;
    /** The control data of a message call that the frame holds (a few descriptors, credentials, ...). */
    static final int CONTROL = 512;

    private static final ThreadLocal<Frame> PLATFORM = ThreadLocal.withInitial(() -> new Frame(false));
    private static final Pool<Frame> POOL = new Pool<>(() -> new Frame(true));

    final MemorySegment capture;
    /** Where the kernel writes an address (recvfrom, getsockname, getpeername). */
    final MemorySegment addr;
    final MemorySegment addrLen;
    /** Where an address to bind, connect or send to is written, by {@link #encode}. */
    final MemorySegment target;
    final MemorySegment option;
    final MemorySegment optionLen;
    final MemorySegment pollfd;
    /** A {@code msghdr}, {@link #IOVS} {@code iovec}s and {@link #CONTROL} bytes of control data. */
    final MemorySegment msg, iov, control;
    private final MemorySegment decodedBytes;
    private final boolean pooled;

    private MemorySegment buffer;
    private Arena oneOff;
    private SockAddr encoded;
    private int encodedLength;
    private SockAddr decoded;
    private int decodedLength = -1;

    /** The platform thread that owns this frame, and its kernel thread id (0 until needed). */
    final Thread owner;
    private int tid;

    /** What a call held across its return left for its caller: a count, or a would-block mark. */
    long result;

    /**
     * For a call made by {@link Io#run}: {@code MSG_DONTWAIT} when it must not block in the kernel, which a send or
     * receive adds to its flags; else 0.
     */
    public int noWait;

    private Frame(boolean pooled) {
        this.pooled = pooled;
        this.owner = pooled ? null : Thread.currentThread();
        // one block cut in pieces: one allocation, close together in memory
        long small = CAPTURE.byteSize() + 4 + 4 + dev.ffmsockets.raw.pollfd.sizeof();
        long message = (CONTROL + IOVS * iovec.sizeof() + msghdr.sizeof() + 15) & ~15L;
        MemorySegment block = Arena.ofAuto().allocate(message + 3 * STORAGE + 64 + small, 16);
        control = block.asSlice(0, CONTROL);
        iov = block.asSlice(CONTROL, IOVS * iovec.sizeof());
        msg = block.asSlice(CONTROL + IOVS * iovec.sizeof(), msghdr.sizeof());
        block = block.asSlice(message);
        addr = block.asSlice(0, STORAGE);
        target = block.asSlice(STORAGE, STORAGE);
        decodedBytes = block.asSlice(2 * STORAGE, STORAGE);
        option = block.asSlice(3 * STORAGE, 64);
        long at = 3 * STORAGE + 64;
        pollfd = block.asSlice(at, dev.ffmsockets.raw.pollfd.sizeof());
        at += dev.ffmsockets.raw.pollfd.sizeof();
        capture = block.asSlice(at, CAPTURE.byteSize());
        at += CAPTURE.byteSize();
        addrLen = block.asSlice(at, 4);
        optionLen = block.asSlice(at + 4, 4);
    }

    /** A frame for the calling thread: its own on a platform thread, one from the pool on a virtual thread. */
    public static Frame acquire() {
        return Thread.currentThread().isVirtual() ? POOL.take() : PLATFORM.get();
    }

    /** Gives the frame back; after this the caller must not use it. A platform thread's own is kept. */
    public void release() {
        if (oneOff != null) {
            oneOff.close();
            oneOff = null;
        }
        if (pooled) {
            POOL.give(this);
        }
    }

    /** The errno the last call through this frame left. */
    public int errno() {
        return (int) ERRNO.get(capture, 0L);
    }

    /**
     * Records the errno of a call made otherwise than through this frame (the caller's own, through the C-style
     * API), so that the call helper reads it as it reads its own.
     *
     * @param errno the errno
     */
    public void errno(int errno) {
        ERRNO.set(capture, 0L, errno);
    }

    /**
     * The memory where errno is captured, for a downcall made through the kernel functions.
     *
     * @return the capture segment
     */
    public MemorySegment capture() {
        return capture;
    }

    /**
     * This platform thread's frame as the waiter a {@link Descriptor} records, with the thread's kernel id, which
     * a close signals. Called by the owner thread only.
     */
    Frame asWaiter() {
        if (tid == 0) {
            tid = Kernel.gettid();
        }
        return this;
    }

    /** The kernel id of this frame's platform thread, once {@link #asWaiter} has been called. */
    int tid() {
        return tid;
    }

    /** Native memory of at least {@code size} bytes, until {@link #release}. */
    MemorySegment buffer(long size) {
        MemorySegment b = buffer;
        if (b != null && b.byteSize() >= size) {
            return b;
        }
        if (size > CHUNK) {
            if (oneOff == null) {
                oneOff = Arena.ofConfined();
            }
            return oneOff.allocate(size, 16);
        }
        long rounded = Math.max(256, Long.highestOneBit(Math.max(1, size - 1)) << 1);
        return buffer = Arena.ofAuto().allocate(rounded, 16);
    }

    /** Writes {@code a} into {@link #target}, unless it is the address written last; returns its C length. */
    int encode(SockAddr a) {
        if (a != encoded) {
            encodedLength = Addresses.encode(a, target);
            encoded = a;
        }
        return encodedLength;
    }

    /**
     * The address the kernel wrote into {@link #addr}, {@code addrLen} long, on a socket of {@code family}: the
     * one decoded last when the bytes are the same. Never throws (see {@link Addresses#decode}).
     */
    SockAddr decode(Family family) {
        int length = Math.min(addrLen.get(JAVA_INT, 0), (int) STORAGE);
        if (length == decodedLength && MemorySegment.mismatch(addr, 0, length, decodedBytes, 0, length) == -1
                && decoded != null && decoded.family() == family) {
            return decoded;
        }
        SockAddr a = Addresses.decode(addr, length, family);
        MemorySegment.copy(addr, 0, decodedBytes, 0, Math.max(0, length));
        decoded = a;
        decodedLength = length;
        return a;
    }
}
