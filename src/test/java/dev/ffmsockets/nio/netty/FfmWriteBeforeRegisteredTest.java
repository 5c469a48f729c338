package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;

import java.util.List;

/** Netty's {@link WriteBeforeRegisteredTest} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.clientSocket();
    }
}
