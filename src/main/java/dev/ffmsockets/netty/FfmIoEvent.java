package dev.ffmsockets.netty;

import io.netty.channel.IoEvent;

/** What epoll reported for a descriptor: one object per registration, reused for each of its events. */
final class FfmIoEvent implements IoEvent {

    /** The {@code epoll_event.events} bits epoll returned. */
    int ready;
}
