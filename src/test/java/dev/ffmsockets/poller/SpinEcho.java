package dev.ffmsockets.poller;

import dev.ffmsockets.Socket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A program for {@link PollerSpinTest}: prints the pollers' spin as this JVM's properties set it, then echoes one byte
 * at a time over socket pairs between virtual threads (every wait parks in the pollers) and prints how many round
 * trips came back right. Its argument: the round trips of each pair.
 */
public final class SpinEcho {

    /** The socket pairs echoing at once. */
    static final int PAIRS = 20;

    private SpinEcho() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("spin " + Poller.SPIN);
        int pairs = PAIRS, rounds = Integer.parseInt(args[0]);
        AtomicLong right = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            Socket.Pair pair = Socket.pair();
            sockets.add(pair.first());
            sockets.add(pair.second());
            threads.add(Thread.ofVirtual().start(() -> {
                byte[] b = new byte[1];
                try {
                    for (int r = 0; r < rounds; r++) {
                        if (pair.second().recv(b) != 1) {
                            return;
                        }
                        pair.second().sendAll(b);
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                byte[] b = new byte[1];
                try {
                    for (int r = 0; r < rounds; r++) {
                        pair.first().sendAll(new byte[] {(byte) r});
                        if (pair.first().recv(b) == 1 && b[0] == (byte) r) {
                            right.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (Socket s : sockets) {
            s.close();
        }
        System.out.println("round trips " + right.get() + " of " + (long) pairs * rounds);
    }
}
