/**
 * {@code java.net} and {@code javax.net} over ffm-sockets, for software that already takes a
 * {@link javax.net.SocketFactory}, a {@link java.net.Socket} or a {@link java.net.ServerSocket}: JDBC drivers, HTTP
 * clients, RMI. {@link dev.ffmsockets.net.FfmSocketFactory} and {@link dev.ffmsockets.net.FfmServerSocketFactory}
 * make {@link dev.ffmsockets.net.FfmSocket}s and {@link dev.ffmsockets.net.FfmServerSocket}s, which behave as the
 * JDK's sockets do and reach AF_UNIX (pathname and abstract) as well as TCP.
 */
package dev.ffmsockets.net;
