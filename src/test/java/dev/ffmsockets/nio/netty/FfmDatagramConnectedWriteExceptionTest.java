package dev.ffmsockets.nio.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.DatagramConnectedWriteExceptionTest;

import java.util.List;

/** Netty's {@link DatagramConnectedWriteExceptionTest} on its NIO transport over {@link dev.ffmsockets.nio.FfmSelectorProvider}. */
class FfmDatagramConnectedWriteExceptionTest extends DatagramConnectedWriteExceptionTest {
    @Override
    protected List<BootstrapFactory<Bootstrap>> newFactories() {
        return FfmSocketTestPermutation.INSTANCE.datagramSocket();
    }
}
