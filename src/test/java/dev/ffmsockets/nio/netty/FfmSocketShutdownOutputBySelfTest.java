package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;

import java.util.List;

/** Netty's {@link SocketShutdownOutputBySelfTest} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmSocketShutdownOutputBySelfTest extends SocketShutdownOutputBySelfTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.clientSocket();
    }
}
