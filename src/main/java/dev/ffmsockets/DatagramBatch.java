package dev.ffmsockets;

import dev.ffmsockets.impl.Batch;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Up to {@link #capacity()} datagrams in native memory, for {@code Socket.sendMany} ({@code sendmmsg(2)}) and
 * {@code Socket.recvMany} ({@code recvmmsg(2)}): many datagrams in one system call. The batch is reused from call
 * to call; on the steady path nothing is allocated per call or per datagram (write into {@link #slot}, read
 * {@link #length} and {@link #sender}, which returns the same object while a slot's sender is the same).
 *
 * {@snippet :
 * try (DatagramBatch batch = DatagramBatch.allocate(32, 1500)) {
 *     int n = server.recvMany(batch);               // waits for one, takes up to 32
 *     for (int i = 0; i < n; i++) {
 *         batch.set(i, batch.length(i), batch.sender(i, server.family()));   // echo each to its sender
 *     }
 *     for (int sent = 0; sent < n; ) {
 *         sent += server.sendMany(batch, sent);
 *     }
 * }
 * }
 *
 * <p>UDP segmentation offload: {@link #segmentSize(int, int)} has the kernel cut one large slot into datagrams of
 * that size on send ({@code UDP_SEGMENT}); with {@link LinuxSocketOptions#UDP_GRO} on the receiving socket,
 * {@link #receivedSegmentSize} tells the size of the datagrams the kernel joined into one slot.
 *
 * <p>Each received datagram's control messages are {@link #control(int)}: packet information, timestamps, the GRO
 * segment size, and the descriptors a peer passed ({@code SCM_RIGHTS}, on AF_UNIX). Every descriptor the kernel
 * installs is owned by the batch from the moment {@code recvMany} returns: take it
 * ({@link ControlMessage.ReceivedRights}, {@link ReceivedFd#take}, {@link ReceivedFd#toSocket}) before the next
 * {@code recvMany}, {@link #clear} or {@link #close}, which close those not taken. None is ever left open and
 * unowned, on any path.
 *
 * <p>A batch is used by one thread at a time. Closing it frees its memory (and closes the descriptors not taken); a
 * close while a call waits in the batch succeeds, and that call, when it returns, fails with
 * {@link IllegalStateException} (closing what it received), the memory freed as it leaves.
 */
public final class DatagramBatch implements AutoCloseable {

    final Batch batch;

    private DatagramBatch(Batch batch) {
        this.batch = batch;
    }

    /**
     * Allocates a batch.
     *
     * @param capacity how many datagrams, 1 to 1024 ({@code UIO_MAXIOV})
     * @param slotSize the bytes of each slot, 1 to 65535 (a datagram, or a buffer the kernel cuts into datagrams)
     * @return the batch, empty
     * @throws IllegalArgumentException if a size is out of range
     */
    public static DatagramBatch allocate(int capacity, int slotSize) {
        return new DatagramBatch(new Batch(capacity, slotSize));
    }

    /** {@return how many datagrams it holds at most} */
    public int capacity() {
        return batch.capacity();
    }

    /** {@return the bytes of each slot} */
    public int slotSize() {
        return batch.slotSize();
    }

    /** {@return how many datagrams it holds: those set to send, or those received by the last {@code recvMany}} */
    public int count() {
        return batch.count();
    }

    /** Empties it: the next {@link #add} fills slot 0; received descriptors not taken are closed. */
    public void clear() {
        batch.clear();
    }

    /**
     * The whole room of a slot, to write a datagram into before {@link #set}, or to read one received.
     *
     * @param i the slot
     * @return its memory, {@link #slotSize()} bytes
     * @throws IndexOutOfBoundsException if {@code i} is not a slot
     */
    public MemorySegment slot(int i) {
        return batch.slot(i);
    }

    /**
     * Marks slot {@code i} as a datagram to send: its first {@code length} bytes, to {@code target}. The count
     * becomes at least {@code i + 1}.
     *
     * @param i      the slot
     * @param length the datagram's length
     * @param target the destination; {@code null} for a connected socket's peer
     * @throws IndexOutOfBoundsException if {@code i} is not a slot
     * @throws IllegalArgumentException  if {@code length} is negative or more than the slot
     */
    public void set(int i, int length, SockAddr target) {
        batch.set(i, length, target);
    }

    /**
     * Copies a datagram into the next slot: the bytes of {@code src}.
     *
     * @param src    the datagram
     * @param target the destination, or {@code null}
     * @return the slot
     * @throws IllegalStateException    if the batch is full
     * @throws IllegalArgumentException if the datagram is larger than a slot
     */
    public int add(MemorySegment src, SockAddr target) {
        int i = next(src.byteSize());
        MemorySegment.copy(src, 0, batch.slot(i), 0, src.byteSize());
        batch.set(i, (int) src.byteSize(), target);
        return i;
    }

    /**
     * Copies a datagram into the next slot: {@code len} bytes of {@code src} from {@code off}.
     *
     * @param src    the bytes
     * @param off    where the datagram starts
     * @param len    its length
     * @param target the destination, or {@code null}
     * @return the slot
     * @throws IllegalStateException    if the batch is full
     * @throws IllegalArgumentException if the datagram is larger than a slot
     */
    public int add(byte[] src, int off, int len, SockAddr target) {
        Objects.checkFromIndexSize(off, len, src.length);
        int i = next(len);
        MemorySegment.copy(src, off, batch.slot(i), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, len);
        batch.set(i, len, target);
        return i;
    }

    /**
     * Copies a datagram into the next slot: the bytes between {@code src}'s position and limit (the position
     * does not move).
     *
     * @param src    the datagram
     * @param target the destination, or {@code null}
     * @return the slot
     * @throws IllegalStateException    if the batch is full
     * @throws IllegalArgumentException if the datagram is larger than a slot
     */
    public int add(ByteBuffer src, SockAddr target) {
        return add(MemorySegment.ofBuffer(src), target);
    }

    private int next(long len) {
        int i = batch.count();
        if (i == batch.capacity()) {
            throw new IllegalStateException("the batch is full: " + i + " datagrams");
        }
        if (len > batch.slotSize()) {
            throw new IllegalArgumentException("a datagram of " + len + " bytes is larger than a slot ("
                    + batch.slotSize() + ")");
        }
        return i;
    }

    /**
     * Has the kernel cut slot {@code i} into datagrams of {@code size} bytes when it is sent (UDP GSO,
     * {@code UDP_SEGMENT}); the last may be shorter. 0, the default, sends the slot as one datagram.
     *
     * @param i    the slot
     * @param size the segment size, 0 for none
     * @throws IllegalArgumentException if {@code size} is not 0 to 65535
     */
    public void segmentSize(int i, int size) {
        batch.segmentSize(i, size);
    }

    /**
     * The length of datagram {@code i}: set to send, or, received, the bytes its slot holds. A received datagram
     * larger than a slot is cut to the slot ({@link #truncated}); its whole length is {@link #datagramLength} when
     * {@link MsgFlag#TRUNC} was asked.
     *
     * @param i the datagram, below {@link #count()}
     * @return its length, at most {@link #slotSize()}
     */
    public int length(int i) {
        return batch.length(i);
    }

    /**
     * The whole length received datagram {@code i} had: with {@link MsgFlag#TRUNC} given to {@code recvMany}, the
     * kernel's count even when the datagram was cut to the slot; without it, the same as {@link #length}.
     *
     * @param i the datagram, below {@link #count()}
     * @return its length when it was sent
     */
    public int datagramLength(int i) {
        return batch.datagramLength(i);
    }

    /**
     * The control messages received datagram {@code i} brought, decoded now (allocates): {@link ControlMessage.PacketInfo},
     * {@link ControlMessage.Timestamp}, {@link ControlMessage.SegmentSize}, {@link ControlMessage.ReceivedRights} (owned by
     * the batch until taken), {@link ControlMessage.Credentials}, or {@link ControlMessage.Other}. Each slot has 64 bytes
     * of room for them: what does not fit is cut ({@code MSG_CTRUNC} in the datagram's flags), and the kernel closes
     * the descriptors it could not install.
     *
     * @param i the datagram, below {@link #count()}
     * @return its control messages, in the kernel's order; empty for none
     * @throws IllegalStateException if the batch is closed
     */
    public List<ControlMessage> control(int i) {
        return batch.control(i);
    }

    /**
     * A copy of datagram {@code i}'s bytes (allocates; {@link #slot} and {@link #length} do not).
     *
     * @param i the datagram, below {@link #count()}
     * @return its bytes
     */
    public byte[] bytes(int i) {
        return batch.slot(i).asSlice(0, batch.length(i)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /**
     * The sender of received datagram {@code i}, decoded only when it differs from the slot's last.
     *
     * @param i      the datagram, below {@link #count()}
     * @param family the receiving socket's family
     * @return its address ({@code null} when the kernel gave none to an Internet socket)
     */
    public SockAddr sender(int i, Family family) {
        return batch.sender(i, family);
    }

    /**
     * Whether received datagram {@code i} was larger than a slot, and cut ({@code MSG_TRUNC}).
     *
     * @param i the datagram, below {@link #count()}
     * @return whether it was cut
     */
    public boolean truncated(int i) {
        return (batch.flags(i) & dev.ffmsockets.posix.Posix.MSG_TRUNC) != 0;
    }

    /**
     * The flags the kernel set on received datagram {@code i} ({@code msg_flags}): {@link MsgFlag#TRUNC} when it was
     * cut to the slot, {@link MsgFlag#CTRUNC} when its control messages were cut to the room for them, ...
     *
     * @param i the datagram, below {@link #count()}
     * @return the flags
     */
    public Set<MsgFlag> flags(int i) {
        return MsgFlag.of(batch.flags(i));
    }

    /**
     * The size of the datagrams the kernel joined into received slot {@code i} (UDP GRO, with
     * {@link LinuxSocketOptions#UDP_GRO}); 0 when it is one datagram.
     *
     * @param i the datagram, below {@link #count()}
     * @return the segment size, or 0
     */
    public int receivedSegmentSize(int i) {
        return batch.receivedSegmentSize(i);
    }

    /**
     * Frees the native memory, and closes the received descriptors not taken; a second close does nothing. A closed
     * batch is refused by {@code sendMany} and {@code recvMany} ({@link IllegalStateException}); a call waiting in it
     * now fails when it returns, and the memory is freed then.
     */
    @Override
    public void close() {
        batch.close();
    }
}
