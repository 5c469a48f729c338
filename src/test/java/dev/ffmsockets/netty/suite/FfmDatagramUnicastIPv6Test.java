package dev.ffmsockets.netty.suite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastIPv6Test} on the transport of {@link dev.ffmsockets.netty}:
 * its datagram channel with itself and with Netty's NIO one on the JDK, each way.
 */
class FfmDatagramUnicastIPv6Test extends DatagramUnicastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return TransportPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
