package dev.ffmsockets.nio;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.Wrk;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Jetty 12 on the provider: its connector's listening channel and its selectors are the provider's (the accepted
 * channels, then, too), serving "Hello there." under wrk at 50 and then 1,000 connections with no error, and leaving
 * no descriptor behind once stopped.
 */
class JettyUnderWrkTest {

    private static final FfmSelectorProvider PROVIDER = FfmSelectorProvider.provider();

    /** Jetty's connector with the provider's channels: its own, in the two places Jetty opens them. */
    private static final class OnTheProvider extends ServerConnector {
        OnTheProvider(Server server) {
            super(server);
        }

        @Override
        protected ServerSocketChannel openAcceptChannel() throws IOException {
            ServerSocketChannel c = PROVIDER.openServerSocketChannel();
            try {
                c.setOption(StandardSocketOptions.SO_REUSEADDR, getReuseAddress());
                c.bind(new InetSocketAddress(getHost(), getPort()), getAcceptQueueSize());
                return c;
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        @Override
        protected org.eclipse.jetty.io.SelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors) {
            return new ServerConnectorManager(executor, scheduler, selectors) {
                @Override
                protected Selector newSelector() throws IOException {
                    return PROVIDER.openSelector();
                }
            };
        }
    }

    private static final class Hello extends Handler.Abstract {
        private static final byte[] BODY = "Hello there.\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
            response.write(true, ByteBuffer.wrap(BODY), callback);
            return true;
        }
    }

    @Test
    void jettyOnTheProviderServesWrkAtFiftyAndAThousandConnections() throws Exception {
        long before = Fds.open();
        Server server = new Server();
        OnTheProvider connector = new OnTheProvider(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(2048);
        server.addConnector(connector);
        server.setHandler(new Hello());
        server.start();
        try {
            assertInstanceOf(FfmServerSocketChannel.class, connector.getTransport());
            for (int connections : List.of(50, 1000)) {
                Wrk.load(connector.getLocalPort(), connections);
            }
        } finally {
            server.stop();
        }
        assertEquals(before, Fds.openOnceBackTo(before), "descriptors after Jetty stopped");
    }
}
