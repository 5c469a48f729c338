package dev.ffmsockets.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Where {@link Kernel}'s socket calls consult the faults a test asked for ({@code dev.ffmsockets.faults.Faults}):
 * before each send, receive, accept and connect. Off unless the JVM starts with {@code -Ddev.ffmsockets.faults=true};
 * off, {@link #ON} is a constant {@code false} and every check is code the JIT removes.
 */
public final class Injection {

    /** Whether faults may be injected in this JVM: {@code -Ddev.ffmsockets.faults=true}, read once, at start. */
    public static final boolean ON = Boolean.getBoolean("dev.ffmsockets.faults");

    /** The calls a fault can be put on. */
    public static final int SEND = 0, RECV = 1, ACCEPT = 2, CONNECT = 3;

    /** What {@link Rule#apply} returns when it does not apply to a call. */
    public static final long PASS = Long.MIN_VALUE;

    /** A fault in force. */
    public interface Rule {
        /**
         * Decides for one call.
         *
         * @param call {@link #SEND}, {@link #RECV}, {@link #ACCEPT} or {@link #CONNECT}
         * @param fd   the descriptor
         * @param len  the bytes asked for (0 for accept and connect, and for calls of messages)
         * @return {@link #PASS}; a negative errno to fail the call with; or the most bytes the call may move
         */
        long apply(int call, int fd, long len);
    }

    private static volatile Rule[] rules = {};

    private Injection() {
    }

    /** Puts a rule in force. */
    public static synchronized void add(Rule r) {
        Rule[] now = Arrays.copyOf(rules, rules.length + 1);
        now[now.length - 1] = r;
        rules = now;
    }

    /** Takes a rule out of force; nothing if it is not in force. */
    public static synchronized void remove(Rule r) {
        rules = Arrays.stream(rules).filter(x -> x != r).toArray(Rule[]::new);
    }

    /** Takes every rule out of force. */
    public static synchronized void clear() {
        rules = new Rule[0];
    }

    private static long decide(int call, int fd, long len) {
        for (Rule r : rules) {
            long v = r.apply(call, fd, len);
            if (v != PASS) {
                return v;
            }
        }
        return PASS;
    }

    /**
     * For a call that moves {@code len} bytes: the bytes it may move ({@code len} when no rule applies), or -1 with
     * the rule's errno in {@code capture}.
     */
    static long limit(int call, MemorySegment capture, int fd, long len) {
        long v = decide(call, fd, len);
        if (v == PASS) {
            return len;
        }
        if (v < 0) {
            Kernel.setErrno(capture, (int) -v);
            return -1;
        }
        return Math.min(v, len);
    }

    /** For a call with no length to cut: whether a rule fails it (its errno then in {@code capture}). */
    static boolean fails(int call, MemorySegment capture, int fd) {
        long v = decide(call, fd, 0);
        if (v != PASS && v < 0) {
            Kernel.setErrno(capture, (int) -v);
            return true;
        }
        return false;
    }
}
