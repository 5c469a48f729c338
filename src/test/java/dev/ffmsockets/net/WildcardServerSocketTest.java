package dev.ffmsockets.net;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A wildcard bind of {@link FfmServerSocket} against {@code java.net.ServerSocket}'s: a dual-stack socket that takes
 * IPv4 and IPv6 clients, the address reported as it was given, accepted peers' addresses as IPv4 where they are.
 */
@ExtendWith(NoDescriptorLeaks.class)
class WildcardServerSocketTest {

    private interface Make {
        ServerSocket make() throws Exception;
    }

    private static String served(Make make, SocketAddress at) throws Exception {
        try (ServerSocket s = make.make()) {
            s.bind(at);
            String port = String.valueOf(s.getLocalPort());
            StringBuilder b = new StringBuilder(s.getInetAddress() + " " + s.getLocalSocketAddress() + " " + s.isBound());
            for (String client : List.of("127.0.0.1", "::1")) {
                try (Socket c = new Socket(client, s.getLocalPort()); Socket peer = s.accept()) {
                    b.append(" | ").append(client).append(": ").append(peer.getInetAddress()).append(' ')
                            .append(peer.getLocalAddress()).append(' ').append(peer.getRemoteSocketAddress() instanceof InetSocketAddress r
                                    ? r.getAddress() : null).append(' ').append(c.getPort() == peer.getLocalPort());
                }
            }
            return b.toString().replace(port, "P");
        }
    }

    @Test
    void aWildcardBindTakesBothFamiliesAsJavaNetsDoes() throws Exception {
        List<String> differ = new ArrayList<>();
        for (SocketAddress at : new SocketAddress[] {null, new InetSocketAddress(0),
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), new InetSocketAddress(InetAddress.getByName("::"), 0)}) {
            String jdk = served(ServerSocket::new, at), ours = served(FfmServerSocket::new, at);
            if (!jdk.equals(ours)) {
                differ.add(at + ": JDK " + jdk + "\n   ours " + ours);
            }
        }
        assertEquals(List.of(), differ, String.join("\n", differ));
    }
}
