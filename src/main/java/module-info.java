/**
 * POSIX sockets through the Foreign Function and Memory API, in three layers.
 *
 * <ul>
 *   <li>{@link dev.ffmsockets.raw}: the bindings jextract generates from {@code headers/sockets.h}
 *       (functions, structs such as {@code sockaddr_in}, constants).</li>
 *   <li>{@link dev.ffmsockets.posix}: the C socket API under its C names and signatures, with a
 *       per-thread {@code errno()}; a C program ports to it line by line.</li>
 *   <li>{@link dev.ffmsockets}: idiomatic, safe sockets ({@link dev.ffmsockets.Socket}, {@link dev.ffmsockets.SockAddr},
 *       typed options, exceptions that carry errno, timeouts, a close that is safe while other threads are
 *       blocked).</li>
 * </ul>
 * {@link dev.ffmsockets.net} puts them behind {@code javax.net.SocketFactory} and {@code java.net.Socket}, for software
 * that takes those; {@link dev.ffmsockets.nio} behind a {@code java.nio} {@code SelectorProvider}, for event-loop
 * software; {@link dev.ffmsockets.netty} is a Netty transport (Netty needed only there).
 *
 * <p>The module makes downcalls, so run it with {@code --enable-native-access=dev.ffmsockets}
 * (or {@code ALL-UNNAMED} when it is on the class path).
 */
module dev.ffmsockets {
    exports dev.ffmsockets;
    exports dev.ffmsockets.raw;
    exports dev.ffmsockets.posix;
    exports dev.ffmsockets.net;
    exports dev.ffmsockets.nio;
    exports dev.ffmsockets.netty;
    exports dev.ffmsockets.faults;
    // the Netty transport (dev.ffmsockets.netty) needs Netty only where an application uses it: not transitive, so that
    // a module using the rest of the library compiles without Netty (the transport's signatures name Netty's types,
    // which its users read anyway)
    requires static io.netty.transport;
    requires static io.netty.buffer;
    requires static io.netty.common;
    // dev.ffmsockets.impl and dev.ffmsockets.poller: the safe wrapper's parts, not exported
}
