package dev.ffmsockets.netty.suite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.socket.SocketSslGreetingTest;

import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link SocketSslGreetingTest} on the transport's AF_UNIX stream channels, as Netty's epoll module runs it on its own. */
class FfmDomainSocketSslGreetingTest extends SocketSslGreetingTest {
    @Override
    protected List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return TransportPermutation.INSTANCE.domainSocket();
    }

    @Override
    protected SocketAddress newSocketAddress() {
        return TransportPermutation.newDomainSocketAddress();
    }
}
