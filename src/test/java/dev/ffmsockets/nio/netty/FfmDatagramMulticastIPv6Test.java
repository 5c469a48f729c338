package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.DatagramMulticastIPv6Test;

import java.util.List;

/** Netty's {@link DatagramMulticastIPv6Test} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmDatagramMulticastIPv6Test extends DatagramMulticastIPv6Test {
    @Override
    protected List<BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
