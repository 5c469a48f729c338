package dev.ffmsockets.testing;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;
import java.nio.file.Path;

/** The datagram addresses the tests run over, by name: each bindable once, unique per call. */
public final class DatagramAddresses {

    private DatagramAddresses() {
    }

    /**
     * {@code udp4} and {@code udp6}: loopback, port 0; {@code unix-path} (or {@code unix}): a fresh file name in
     * {@code dir}; {@code unix-abstract}: a fresh abstract name.
     */
    public static SockAddr of(String kind, Path dir) {
        return switch (kind) {
            case "udp4" -> InetSockAddr.loopback(0);
            case "udp6" -> InetSockAddr.loopback6(0);
            case "unix", "unix-path" -> UnixSockAddr.of(dir.resolve("d" + System.nanoTime()));
            case "unix-abstract" ->
                    UnixSockAddr.abstractName("ffm-dgram-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
