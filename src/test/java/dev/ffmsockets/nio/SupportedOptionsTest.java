package dev.ffmsockets.nio;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.channels.NetworkChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.nio.Referee.OURS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code supportedOptions()} lists can be used: on every kind of channel of ours, every option listed can be read
 * and set back to the value read. (The JDK's lists some it can only read, {@code SO_INCOMING_NAPI_ID}, and one it cannot
 * read on an unconnected channel, {@code SO_PEERCRED}: not a referee here. The library's read-only options are read by
 * {@code getOption} but not listed.)
 */
@ExtendWith(NoDescriptorLeaks.class)
class SupportedOptionsTest {

    private interface Open {
        NetworkChannel open(SelectorProvider p) throws Exception;
    }

    @Test
    void everyOptionListedCanBeReadAndSetBack() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SO_TIMESTAMPNS);
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.IP_MULTICAST_IF);
        List<Open> kinds = List.of(SelectorProvider::openSocketChannel, p -> p.openSocketChannel(StandardProtocolFamily.UNIX),
                SelectorProvider::openServerSocketChannel, p -> p.openServerSocketChannel(StandardProtocolFamily.UNIX),
                SelectorProvider::openDatagramChannel, p -> p.openDatagramChannel(StandardProtocolFamily.INET));
        for (SelectorProvider p : List.of(OURS)) {
            List<String> refused = new ArrayList<>();
            for (Open kind : kinds) {
                try (NetworkChannel c = kind.open(p)) {
                    for (SocketOption<?> o : c.supportedOptions()) {
                        try {
                            setBack(c, o);
                        } catch (Exception e) {
                            refused.add(c.getClass().getSimpleName() + " " + o.name() + ": " + e);
                        }
                    }
                }
            }
            assertEquals(List.of(), refused, p.toString());
        }
    }

    private static <T> void setBack(NetworkChannel c, SocketOption<T> o) throws Exception {
        T value = c.getOption(o);
        if (value != null) { // an interface option nobody set reads null, which is not a value to set
            c.setOption(o, value);
        }
    }
}
