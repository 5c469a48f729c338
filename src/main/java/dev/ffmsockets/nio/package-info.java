/**
 * {@code java.nio} channels and a {@link java.nio.channels.Selector} over ffm-sockets, for event-loop software
 * (Netty, Jetty, Vert.x) that accepts a {@link java.nio.channels.spi.SelectorProvider}:
 * {@link dev.ffmsockets.nio.FfmSelectorProvider} makes {@link java.nio.channels.SocketChannel}s,
 * {@link java.nio.channels.ServerSocketChannel}s and {@link java.nio.channels.DatagramChannel}s backed by the library's {@link dev.ffmsockets.Socket} (one
 * descriptor, one close rule) and a selector on {@code epoll(7)}, for TCP and UDP over IPv4 and IPv6 and for AF_UNIX
 * (pathname and abstract names).
 */
package dev.ffmsockets.nio;
