/**
 * A Netty transport with no JNI: Netty's {@link io.netty.channel.IoHandler} on the library's {@code epoll(7)}
 * ({@link dev.ffmsockets.netty.FfmIoHandler}), run by Netty's own {@code MultiThreadIoEventLoopGroup}, and channels on
 * the library's sockets that read and write Netty's buffers by address: TCP clients
 * ({@link dev.ffmsockets.netty.FfmSocketChannel}) and servers ({@link dev.ffmsockets.netty.FfmServerSocketChannel}),
 * IPv4, IPv6 and dual-stack, and AF_UNIX stream clients ({@link dev.ffmsockets.netty.FfmDomainSocketChannel}) and
 * servers ({@link dev.ffmsockets.netty.FfmServerDomainSocketChannel}), by path or abstract name, and UDP
 * ({@link dev.ffmsockets.netty.FfmDatagramChannel}: unicast, connected and multicast).
 *
 * <p>Netty is an optional dependency of the library: this package needs it on the class or module path, and nothing
 * else in the library loads it.
 */
package dev.ffmsockets.netty;
