package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramConnectNotExistsTest;

import java.util.List;

/** Netty's {@link DatagramConnectNotExistsTest} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmDatagramConnectNotExistsTest extends DatagramConnectNotExistsTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
