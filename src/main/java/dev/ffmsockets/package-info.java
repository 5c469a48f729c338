/**
 * Safe POSIX sockets: {@link dev.ffmsockets.Socket} and its addresses ({@link dev.ffmsockets.SockAddr}),
 * options ({@link dev.ffmsockets.LinuxSocketOptions} beside {@link java.net.StandardSocketOptions}) and
 * errno-carrying exceptions ({@link dev.ffmsockets.ErrnoException}), built on the C-style API of
 * {@link dev.ffmsockets.posix}.
 */
package dev.ffmsockets;
