package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketDataReadInitialStateTest;

import java.util.List;

/** Netty's {@link SocketDataReadInitialStateTest} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmSocketDataReadInitialStateTest extends SocketDataReadInitialStateTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.socket();
    }
}
