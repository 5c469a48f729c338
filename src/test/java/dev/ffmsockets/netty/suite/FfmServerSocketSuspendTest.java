package dev.ffmsockets.netty.suite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;

import java.util.List;

/** Netty's {@link ServerSocketSuspendTest} on the transport of {@link dev.ffmsockets.netty}. */
class FfmServerSocketSuspendTest extends ServerSocketSuspendTest {
    @Override
    protected List<BootstrapFactory<ServerBootstrap>> newFactories() {
        return TransportPermutation.INSTANCE.serverSocket();
    }
}
