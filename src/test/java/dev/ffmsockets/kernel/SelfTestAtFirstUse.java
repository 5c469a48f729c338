package dev.ffmsockets.kernel;

import dev.ffmsockets.posix.Posix;

/** A program whose first use of the library is one getpid: with -Dffmsockets.selfTest=true the self-test runs first. */
public final class SelfTestAtFirstUse {

    private SelfTestAtFirstUse() {
    }

    public static void main(String[] args) {
        System.out.println("pid " + Posix.getpid());
    }
}
