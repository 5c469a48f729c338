package dev.ffmsockets.netty.suite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;

import java.util.List;

/**
 * Netty's {@link DatagramUnicastInetTest} on the transport of {@link dev.ffmsockets.netty}:
 * its datagram channel with itself and with Netty's NIO one on the JDK, each way.
 */
class FfmDatagramUnicastInetTest extends DatagramUnicastInetTest {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return TransportPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
