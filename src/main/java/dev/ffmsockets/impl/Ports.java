package dev.ffmsockets.impl;

/** The one check and message for an Internet port, wherever the library takes one. */
public final class Ports {

    private Ports() {
    }

    /**
     * {@return {@code port}, checked}
     *
     * @throws IllegalArgumentException "port 70000 is outside 0 to 65535"
     */
    public static int check(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port " + port + " is outside 0 to 65535");
        }
        return port;
    }
}
