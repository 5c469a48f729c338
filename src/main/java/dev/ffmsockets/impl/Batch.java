package dev.ffmsockets.impl;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.ReceivedFd;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The native memory of a batch of datagrams for {@code sendmmsg(2)} and {@code recvmmsg(2)}, laid out once: an
 * {@code mmsghdr}, an {@code iovec}, an address and room for control data per slot, and the slots' bytes. The
 * pointers between them are written when it is made; a call rewrites only lengths. Nothing is allocated per
 * call or per datagram: addresses are encoded only when they change, and decoded only when the bytes differ from
 * the slot's last.
 *
 * <p>Used by one thread at a time. Its two calls are made once, as fields, so that a call allocates no lambda. The
 * descriptors a datagram brings ({@code SCM_RIGHTS}) are owned by the batch from the moment the call returns, until
 * the caller takes them: the next receive, {@link #clear} or {@link #close} closes those not taken. A close while a
 * call is in the kernel succeeds: the memory is freed when the call leaves, and the call fails.
 */
public final class Batch {

    /** The most datagrams one call takes ({@code UIO_MAXIOV}). */
    public static final int MAX = 1024;
    /** The largest slot: a UDP datagram, or a GSO buffer cut into datagrams by the kernel. */
    public static final int MAX_SLOT = 65_535;
    /** Control room per slot: a timestamp and a GRO segment size. */
    private static final int CONTROL = 64;
    private static final long NAME = sockaddr_storage.sizeof();
    private static final long MMSG = mmsghdr.sizeof(), IOV = iovec.sizeof();
    private static final long NAME_AT = msghdr.msg_name$offset(), NAMELEN_AT = msghdr.msg_namelen$offset(),
            CONTROL_AT = msghdr.msg_control$offset(), CONTROLLEN_AT = msghdr.msg_controllen$offset(),
            FLAGS_AT = msghdr.msg_flags$offset(), LEN_AT = mmsghdr.msg_len$offset(), IOVLEN_AT = iovec.iov_len$offset();
    private static final long GSO_LEN = ControlCodec.length(2), GSO_SPACE = ControlCodec.space(2);

    private final Arena arena;
    private final int capacity, slotSize;
    private final MemorySegment vec, iov, names, controls, decodedNames;
    private final MemorySegment[] slots, nameSlots, controlSlots, vecFrom;
    private final int[] lengths, segmentSizes, nameLengths, decodedLengths, realLengths, controlLengths;
    /** The descriptors each received datagram brought, owned until taken; null for none. Guarded by this. */
    private final List<ReceivedFd>[] rights;
    /** Guarded by this: closed, and the calls using the memory now (it is freed when the last leaves). */
    private boolean closed;
    private int inFlight;
    private final SockAddr[] targets, decoded;
    private int count;

    // the call about to be made (set by send/receive, read by the calls)
    private int from, flags;
    private final Io.Syscall sendCall, receiveCall;

    /**
     * Allocates a batch.
     *
     * @param capacity the datagrams it holds, 1 to {@link #MAX}
     * @param slotSize the bytes of each, 1 to {@link #MAX_SLOT}
     */
    public Batch(int capacity, int slotSize) {
        if (capacity < 1 || capacity > MAX) {
            throw new IllegalArgumentException("a batch holds 1 to " + MAX + " datagrams (UIO_MAXIOV), not " + capacity);
        }
        if (slotSize < 1 || slotSize > MAX_SLOT) {
            throw new IllegalArgumentException("a batch's slots are 1 to " + MAX_SLOT + " bytes, not " + slotSize);
        }
        this.capacity = capacity;
        this.slotSize = slotSize;
        arena = Arena.ofShared();
        vec = arena.allocate(mmsghdr.layout(), capacity);
        iov = arena.allocate(iovec.layout(), capacity);
        names = arena.allocate(NAME * capacity, 8);
        decodedNames = arena.allocate(NAME * capacity, 8);
        controls = arena.allocate((long) CONTROL * capacity, 8);
        MemorySegment data = arena.allocate((long) slotSize * capacity, 64);
        slots = new MemorySegment[capacity];
        nameSlots = new MemorySegment[capacity];
        controlSlots = new MemorySegment[capacity];
        vecFrom = new MemorySegment[capacity];
        lengths = new int[capacity];
        segmentSizes = new int[capacity];
        nameLengths = new int[capacity];
        decodedLengths = new int[capacity];
        realLengths = new int[capacity];
        controlLengths = new int[capacity];
        rights = emptyRights(capacity);
        targets = new SockAddr[capacity];
        decoded = new SockAddr[capacity];
        for (int i = 0; i < capacity; i++) {
            slots[i] = data.asSlice((long) slotSize * i, slotSize);
            nameSlots[i] = names.asSlice(NAME * i, NAME);
            controlSlots[i] = controls.asSlice((long) CONTROL * i, CONTROL);
            vecFrom[i] = vec.asSlice(MMSG * i);
            iov.set(ADDRESS, IOV * i + iovec.iov_base$offset(), slots[i]);
            vec.set(ADDRESS, MMSG * i + msghdr.msg_iov$offset(), iov.asSlice(IOV * i, IOV));
            vec.set(JAVA_LONG, MMSG * i + msghdr.msg_iovlen$offset(), 1L);
            decodedLengths[i] = -1;
        }
        sendCall = (f, fd) -> Kernel.sendmmsg(f.capture, fd, vecFrom[from], count - from, flags | f.noWait);
        receiveCall = (f, fd) -> Kernel.recvmmsg(f.capture, fd, vec, capacity, flags | f.noWait, MemorySegment.NULL);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<ReceivedFd>[] emptyRights(int capacity) {
        return new List[capacity];
    }

    /** {@return how many datagrams it holds at most} */
    public int capacity() {
        return capacity;
    }

    /** {@return the bytes of each slot} */
    public int slotSize() {
        return slotSize;
    }

    /** {@return the datagrams it holds: added to send, or received} */
    public int count() {
        return count;
    }

    /** Empties it; the descriptors received datagrams brought and the caller did not take are closed. */
    public void clear() {
        count = 0;
        release();
    }

    /** Closes the descriptors of the last receive that were not taken. */
    private synchronized void release() {
        for (int i = 0; i < capacity; i++) {
            List<ReceivedFd> r = rights[i];
            if (r != null) {
                r.forEach(ReceivedFd::close);
                rights[i] = null;
            }
        }
    }

    /** {@return the whole room of slot {@code i}} */
    public MemorySegment slot(int i) {
        return slots[java.util.Objects.checkIndex(i, capacity)];
    }

    /**
     * Marks slot {@code i} as a datagram to send: its first {@code length} bytes, to {@code target}.
     *
     * @param target the destination, or {@code null} for a connected socket's peer
     */
    public void set(int i, int length, SockAddr target) {
        java.util.Objects.checkIndex(i, capacity);
        if (length < 0 || length > slotSize) {
            throw new IllegalArgumentException("slot " + i + " holds 0 to " + slotSize + " bytes, not " + length);
        }
        lengths[i] = length;
        if (target != targets[i]) {
            // a reply to the sender just received: the kernel's bytes are its encoding already (no allocation)
            if (target == null || target != decoded[i] || !holdsDecoded(i)) {
                nameLengths[i] = target == null ? 0 : Addresses.encode(target, names.asSlice(NAME * i, NAME));
            }
            targets[i] = target;
        }
        count = Math.max(count, i + 1);
    }

    /**
     * Has the kernel cut slot {@code i} into datagrams of {@code size} bytes ({@code UDP_SEGMENT}); 0 for none.
     */
    public void segmentSize(int i, int size) {
        java.util.Objects.checkIndex(i, capacity);
        if (size < 0 || size > 0xFFFF) {
            throw new IllegalArgumentException("a UDP segment size is 0 (none) to 65535, not " + size);
        }
        segmentSizes[i] = size;
    }

    /** {@return the length of datagram {@code i}: to send, or received: the bytes in its slot, at most the slot} */
    public int length(int i) {
        return lengths[java.util.Objects.checkIndex(i, count)];
    }

    /**
     * {@return the length received datagram {@code i} had: with {@code MSG_TRUNC} asked, its whole length even when
     * it was cut to the slot; otherwise what the slot holds}
     */
    public int datagramLength(int i) {
        return realLengths[java.util.Objects.checkIndex(i, count)];
    }

    /**
     * The control messages received datagram {@code i} brought (packet information, timestamps, a GRO segment size,
     * descriptors), decoded now; its descriptors are the batch's until taken.
     *
     * @return the messages, in the kernel's order
     */
    public synchronized List<ControlMessage> control(int i) {
        java.util.Objects.checkIndex(i, count);
        requireOpen();
        MemorySegment c = controlSlots[i].asSlice(0, controlLengths[i]);
        return ControlCodec.messages(c, rights[i] == null ? List.of() : rights[i]);
    }

    /** {@return the {@code msg_flags} of received datagram {@code i}} */
    public int flags(int i) {
        java.util.Objects.checkIndex(i, count);
        return vec.get(JAVA_INT, MMSG * i + FLAGS_AT);
    }

    /**
     * The sender of received datagram {@code i}: the one decoded last for this slot when the bytes are the same.
     *
     * @param family the socket's family
     */
    public SockAddr sender(int i, Family family) {
        java.util.Objects.checkIndex(i, count);
        int len = Math.min(nameLengths[i], (int) NAME);
        long at = NAME * i;
        if (len == decodedLengths[i] && decoded[i] != null && decoded[i].family() == family && holdsDecoded(i)) {
            return decoded[i];
        }
        SockAddr a = Addresses.decode(nameSlots[i], len, family);
        MemorySegment.copy(names, at, decodedNames, at, Math.max(0, len));
        decoded[i] = a;
        decodedLengths[i] = len;
        targets[i] = null; // the slot's address memory now holds what the kernel wrote
        return a;
    }

    /** Whether slot {@code i}'s address memory holds the bytes its last decoded sender was decoded from. */
    private boolean holdsDecoded(int i) {
        int len = Math.max(0, Math.min(decodedLengths[i], (int) NAME));
        long at = NAME * i;
        return nameLengths[i] == decodedLengths[i]
                && MemorySegment.mismatch(names, at, at + len, decodedNames, at, at + len) == -1;
    }

    /** {@return the GRO segment size of received datagram {@code i} ({@code UDP_GRO}), 0 when none was reported} */
    public int receivedSegmentSize(int i) {
        java.util.Objects.checkIndex(i, count);
        long len = controlLengths[i];
        MemorySegment c = controlSlots[i];
        for (long at = 0; at + cmsghdr.sizeof() <= len; ) {
            long l = c.get(JAVA_LONG, at);
            if (l < cmsghdr.sizeof()) {
                break;
            }
            if (c.get(JAVA_INT, at + 8) == SOL_UDP && c.get(JAVA_INT, at + 12) == UDP_GRO && l >= cmsghdr.sizeof() + 4
                    && at + cmsghdr.sizeof() + 4 <= len) { // its data within what the kernel wrote
                return c.get(JAVA_INT, at + cmsghdr.sizeof());
            }
            at += ControlCodec.align(l);
        }
        return 0;
    }

    /**
     * Frees the memory, and closes the descriptors received datagrams brought that were not taken. A call using the
     * batch now keeps the memory until it leaves, and then fails.
     */
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (inFlight > 0) {
                return; // the call frees it as it leaves
            }
        }
        release();
        arena.close();
    }

    /** Refuses a batch already closed, before its memory is touched. */
    private synchronized void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the batch is closed");
        }
    }

    /** A call begins using the memory. */
    private synchronized void enter() {
        requireOpen();
        inFlight++;
    }

    /** A call stops using the memory: the last one out of a batch closed meanwhile frees it. */
    private void leave() {
        synchronized (this) {
            if (--inFlight > 0 || !closed) {
                return;
            }
        }
        release();
        arena.close();
    }

    /**
     * {@code sendmmsg(2)} of datagrams {@code from} to {@link #count()}.
     *
     * @return how many were sent; 0 when none could be without waiting
     */
    public int send(Descriptor d, Blocking b, int from) throws IOException {
        enter();
        try {
            return sendEntered(d, b, from);
        } finally {
            leave();
        }
    }

    private int sendEntered(Descriptor d, Blocking b, int from) throws IOException {
        if (from < 0 || from > count) {
            throw new IndexOutOfBoundsException("from " + from + ": the batch holds " + count + " datagrams to send");
        }
        if (from == count) {
            return 0;
        }
        for (int i = from; i < count; i++) {
            long h = MMSG * i;
            iov.set(JAVA_LONG, IOV * i + IOVLEN_AT, lengths[i]);
            vec.set(ADDRESS, h + NAME_AT, targets[i] == null ? MemorySegment.NULL : nameSlots[i]);
            vec.set(JAVA_INT, h + NAMELEN_AT, targets[i] == null ? 0 : nameLengths[i]);
            if (segmentSizes[i] > 0) {
                MemorySegment c = controlSlots[i];
                c.set(JAVA_LONG, 0, GSO_LEN);
                c.set(JAVA_INT, 8, SOL_UDP);
                c.set(JAVA_INT, 12, UDP_SEGMENT);
                c.set(JAVA_SHORT, cmsghdr.sizeof(), (short) segmentSizes[i]);
                vec.set(ADDRESS, h + CONTROL_AT, c);
                vec.set(JAVA_LONG, h + CONTROLLEN_AT, GSO_SPACE);
            } else {
                vec.set(ADDRESS, h + CONTROL_AT, MemorySegment.NULL);
                vec.set(JAVA_LONG, h + CONTROLLEN_AT, 0L);
            }
            vec.set(JAVA_INT, h + FLAGS_AT, 0);
        }
        this.from = from;
        flags = MSG_NOSIGNAL;
        d.begin("sendmmsg");
        try {
            long r = Io.run(d, b, "sendmmsg", targets[from], POLLOUT, b.deadline(), true, false, sendCall);
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the batch was closed while sendMany used it");
                }
            }
            return (int) Math.max(0, r);
        } finally {
            d.end();
        }
    }

    /**
     * {@code recvmmsg(2)} with {@code MSG_WAITFORONE} into every slot: waits for one datagram, takes as many as are
     * there.
     *
     * @return how many arrived; 0 when none were there and the call may not wait
     */
    public int receive(Descriptor d, Blocking b, int callerFlags) throws IOException {
        enter();
        try {
            return receiveEntered(d, b, callerFlags);
        } finally {
            leave();
        }
    }

    private int receiveEntered(Descriptor d, Blocking b, int callerFlags) throws IOException {
        release();
        for (int i = 0; i < capacity; i++) {
            long h = MMSG * i;
            iov.set(JAVA_LONG, IOV * i + IOVLEN_AT, slotSize);
            vec.set(ADDRESS, h + NAME_AT, nameSlots[i]);
            vec.set(JAVA_INT, h + NAMELEN_AT, (int) NAME);
            vec.set(ADDRESS, h + CONTROL_AT, controlSlots[i]);
            vec.set(JAVA_LONG, h + CONTROLLEN_AT, CONTROL);
            vec.set(JAVA_INT, h + FLAGS_AT, 0);
            targets[i] = null;
        }
        count = 0;
        from = 0;
        flags = callerFlags | MSG_WAITFORONE | MSG_CMSG_CLOEXEC;
        d.begin("recvmmsg");
        try {
            d.reportDeferred("recvmmsg");
            long r = Io.run(d, b, "recvmmsg", null, POLLIN, b.deadline(), true, Io.mayNotWait(callerFlags), receiveCall);
            int n = (int) Math.max(0, r);
            Frame f = Frame.acquire();
            try {
                own(f, n);
            } finally {
                f.release();
            }
            synchronized (this) {
                if (closed) { // closed while the call was in the kernel: nothing received is handed over
                    for (int i = 0; i < n; i++) {
                        if (rights[i] != null) {
                            rights[i].forEach(ReceivedFd::close);
                            rights[i] = null;
                        }
                    }
                    throw new IllegalStateException("the batch was closed while recvMany waited in it");
                }
            }
            count = n;
            return n;
        } finally {
            d.end();
        }
    }

    /**
     * Reads the lengths of the {@code n} datagrams received, and takes ownership of every descriptor they brought at
     * once, so that none is left installed and unowned whatever happens next.
     */
    private void own(Frame f, int n) {
        int i = 0;
        try {
            for (; i < n; i++) {
                long h = MMSG * i;
                int len = vec.get(JAVA_INT, h + LEN_AT);
                realLengths[i] = len;
                lengths[i] = Math.min(len, slotSize);
                nameLengths[i] = vec.get(JAVA_INT, h + NAMELEN_AT);
                controlLengths[i] = (int) Math.min(vec.get(JAVA_LONG, h + CONTROLLEN_AT), CONTROL);
                List<ReceivedFd> owned = ControlCodec.owned(f, controlSlots[i], controlLengths[i]);
                synchronized (this) {
                    rights[i] = owned.isEmpty() ? null : owned;
                }
            }
        } catch (RuntimeException | Error e) {
            for (int j = i + 1; j < n; j++) { // the datagrams not reached: their descriptors closed unowned
                long clen = Math.min(vec.get(JAVA_LONG, MMSG * j + CONTROLLEN_AT), CONTROL);
                ControlCodec.owned(f, controlSlots[j], clen).forEach(ReceivedFd::close);
            }
            release();
            throw e;
        }
    }
}
