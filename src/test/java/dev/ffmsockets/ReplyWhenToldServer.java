package dev.ffmsockets;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The server side of {@link VirtualThreadsTest#tenThousandVirtualThreadsWaitInRecvAtOnce}, in a process of its own
 * (each side then needs its own 10,000 descriptors, which fit the usual limit of 20,000 where both would not):
 * accepts N connections on a virtual thread, serves each on a virtual thread of its own, and answers them all
 * when a line arrives on standard input.
 *
 * <p>usage: ReplyWhenToldServer N — prints "listening on port P", later "accepted N", and "replied N" at the end.
 */
public final class ReplyWhenToldServer {

    private ReplyWhenToldServer() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        try (dev.ffmsockets.testing.FileLimit limit = new dev.ffmsockets.testing.FileLimit(n + 1024);
             Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(4096);
            System.out.println("listening on port " + ((InetSockAddr) server.localAddress()).port());
            CountDownLatch told = new CountDownLatch(1);
            AtomicInteger replied = new AtomicInteger();
            List<Thread> serving = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        Socket peer = server.accept();
                        serving.add(Thread.ofVirtual().start(() -> {
                            try (peer) {
                                told.await();
                                peer.sendAll("reply".getBytes(US_ASCII));
                                replied.incrementAndGet();
                            } catch (Exception e) {
                                e.printStackTrace();
                            }
                        }));
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            acceptor.join();
            System.out.println("accepted " + serving.size());
            new BufferedReader(new InputStreamReader(System.in, US_ASCII)).readLine();
            told.countDown();
            for (Thread t : serving) {
                t.join();
            }
            System.out.println("replied " + replied.get());
        }
    }
}
