package dev.ffmsockets.bench;

import java.util.Locale;

/**
 * W1 ping-pong outside JMH, for scripts/demo: the same connection and echo thread as {@link StreamBench}, and
 * the same JSON line as the C harness (native/bench/bench.c), so the two read alike.
 *
 * <p>usage: RoundTrips IMPL TRANSPORT SIZE SECONDS WARMUP
 */
public final class RoundTrips {

    private RoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RoundTrips IMPL TRANSPORT SIZE SECONDS WARMUP");
            System.exit(2);
        }
        StreamBench.PingPong s = new StreamBench.PingPong();
        s.impl = args[0];
        s.transport = args[1];
        s.size = Integer.parseInt(args[2]);
        long measure = (long) (Double.parseDouble(args[3]) * 1e9), warm = (long) (Double.parseDouble(args[4]) * 1e9);
        s.open();
        long start = System.nanoTime(), measuredStart = 0, t = start, trips = 0;
        for (;;) {
            s.client.send(s.size);
            s.client.recvFully(s.size);
            t = System.nanoTime();
            if (t - start >= warm) {
                if (measuredStart == 0) {
                    measuredStart = t;
                } else {
                    trips++;
                }
                if (t - measuredStart >= measure) {
                    break;
                }
            }
        }
        double seconds = (t - measuredStart) / 1e9;
        System.out.printf(Locale.ROOT, "{\"workload\":\"pingpong\",\"transport\":\"%s\",\"size\":%d,\"ops\":%d,"
                + "\"seconds\":%.3f,\"rate\":%.1f}%n", s.transport, s.size, trips, seconds, trips / seconds);
        s.close();
    }
}
