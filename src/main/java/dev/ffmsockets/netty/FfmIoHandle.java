package dev.ffmsockets.netty;

import io.netty.channel.IoHandle;

/** What {@link FfmIoHandler} registers: a handle with a descriptor, which it puts in its epoll. */
interface FfmIoHandle extends IoHandle {

    /** {@return the descriptor, or -1 once closed} */
    int fd();

    @Override
    void close();
}
