package dev.ffmsockets.nio;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Message;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Channels made from sockets that exist already: a pair, an adopted descriptor, one received over SCM_RIGHTS. */
@ExtendWith(NoDescriptorLeaks.class)
class ChannelsFromSocketsTest {

    @Test
    void aSocketPairAsChannelsUnderASelector() throws Exception {
        Socket.Pair pair = Socket.pair();
        try (SocketChannel a = FfmSocketChannel.of(pair.first()); SocketChannel b = FfmSocketChannel.of(pair.second());
             Selector sel = FfmSelectorProvider.provider().openSelector()) {
            assertTrue(a.isConnected() && b.isConnected());
            b.configureBlocking(false);
            SelectionKey k = b.register(sel, SelectionKey.OP_READ);
            assertEquals(0, sel.selectNow());
            a.write(ByteBuffer.wrap("Hello there.".getBytes()));
            assertEquals(1, sel.select(5000));
            assertTrue(sel.selectedKeys().contains(k) && k.isReadable());
            ByteBuffer in = ByteBuffer.allocate(32);
            assertEquals(12, b.read(in));
        }
        assertFalse(pair.first().isOpen(), "the channel owns the socket it was made of");
    }

    @Test
    void aListeningDescriptorAdoptedAsAServerChannel() throws Exception {
        Socket listening = Socket.open(Family.INET, SocketType.STREAM);
        listening.bind(InetSockAddr.loopback(0));
        listening.listen(4);
        int fd = listening.detach(); // as a socket-activated service receives it
        try (var server = FfmServerSocketChannel.of(Socket.adopt(fd));
             SocketChannel c = FfmSelectorProvider.provider().openSocketChannel()) {
            c.connect(server.getLocalAddress());
            try (SocketChannel peer = server.accept()) {
                assertEquals(c.getLocalAddress(), peer.getRemoteAddress());
            }
        }
    }

    @Test
    void aDescriptorReceivedOverScmRightsAsAChannel() throws Exception {
        try (Socket.Pair carrier = Socket.pair(); Socket udp = Socket.open(Family.INET, SocketType.DGRAM);
             Socket sender = Socket.open(Family.INET, SocketType.DGRAM)) {
            udp.bind(InetSockAddr.loopback(0));
            carrier.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, null, List.of(ControlMessage.rights(udp)));
            DatagramChannel ch;
            try (Message m = carrier.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, ControlMessage.spaceForDescriptors(1))) {
                ch = FfmDatagramChannel.of(m.descriptors().getFirst().toSocket());
            }
            try (ch) {
                sender.sendTo(ByteBuffer.wrap("over the passed socket".getBytes()), udp.localAddress());
                ByteBuffer in = ByteBuffer.allocate(64);
                InetSocketAddress from = (InetSocketAddress) ch.receive(in);
                assertEquals(((InetSockAddr) sender.localAddress()).port(), from.getPort());
                assertEquals("over the passed socket", new String(in.array(), 0, in.position()));
            }
        }
    }
    /** A channel over a socket of the library is bound when the socket is, whatever made it so, and not before. */
    @Test
    void aChannelOverASocketIsBoundWhenTheSocketIs() throws Exception {
        Socket boundTcp = Socket.open(Family.INET, SocketType.STREAM), freshTcp = Socket.open(Family.INET, SocketType.STREAM);
        Socket boundUdp = Socket.open(Family.INET, SocketType.DGRAM), freshUdp = Socket.open(Family.INET, SocketType.DGRAM);
        boundTcp.bind(InetSockAddr.loopback(0));
        boundUdp.bind(InetSockAddr.loopback(0));
        SockAddr tcpAt = boundTcp.localAddress(), udpAt = boundUdp.localAddress();
        try (SocketChannel a = FfmSocketChannel.of(boundTcp); SocketChannel b = FfmSocketChannel.of(freshTcp);
             DatagramChannel c = FfmDatagramChannel.of(boundUdp); DatagramChannel d = FfmDatagramChannel.of(freshUdp)) {
            assertEquals(((InetSockAddr) tcpAt).port(), ((InetSocketAddress) a.getLocalAddress()).getPort());
            assertEquals(((InetSockAddr) udpAt).port(), ((InetSocketAddress) c.getLocalAddress()).getPort());
            assertNull(b.getLocalAddress(), "not bound");
            assertNull(d.getLocalAddress(), "not bound");
            assertThrows(java.nio.channels.AlreadyBoundException.class, () -> a.bind(null));
        }
    }
}
