/**
 * The C-style API: {@link dev.ffmsockets.posix.Posix}, the C library's socket functions under their C names and with
 * their C signatures ({@code socket}, {@code bind}, {@code accept}, {@code sendmsg}, {@code epoll_wait}, ...), the
 * constants under their C names, a per-thread {@code errno()}, and the byte-order and {@code CMSG_*} helpers, so that
 * a C socket program ports to Java line by line and makes the same system calls. Every length given with a memory
 * segment is checked against the segment before the call: nothing is written outside it. The structs are the
 * generated classes of {@link dev.ffmsockets.raw}.
 */
package dev.ffmsockets.posix;
