package dev.ffmsockets;

import dev.ffmsockets.poller.Poller;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.POLLIN;

/**
 * The client side of {@link VirtualThreadsTest#tenThousandVirtualThreadsParkInRecvOfSixtyFourKiBUnderThirtyTwoMiBOfDirectMemory},
 * in a process of its own started with a small {@code -XX:MaxDirectMemorySize}: N virtual threads connect to the
 * server and each waits in {@code recv} into a {@code byte[65536]}.
 *
 * <p>usage: ParkedReceivers PORT N — prints "waiting W direct D" once W threads are parked in the read poller
 * (D: the bytes of native memory in use), later "received R errors E".
 */
public final class ParkedReceivers {

    private ParkedReceivers() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]), n = Integer.parseInt(args[1]);
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        try (dev.ffmsockets.testing.FileLimit limit = new dev.ffmsockets.testing.FileLimit(n + 1024)) {
            AtomicInteger received = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (Socket c = Socket.open(Family.INET, SocketType.STREAM)) {
                        c.connect(InetSockAddr.loopback(port));
                        byte[] in = new byte[65536];
                        if (c.recv(in) == 5) {
                            received.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }));
            }
            Poller readers = Poller.of(POLLIN);
            while (readers.waiting() < n && errors.isEmpty()) {
                LockSupport.parkNanos(1_000_000);
            }
            System.out.println("waiting " + readers.waiting() + " direct " + direct.getMemoryUsed());
            for (Thread c : clients) {
                c.join();
            }
            System.out.println("received " + received.get() + " errors " + errors.size());
            if (!errors.isEmpty()) {
                errors.peek().printStackTrace();
            }
        }
    }
}
