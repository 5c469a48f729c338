package dev.ffmsockets.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fails a test that leaves more (or fewer) descriptors open in this process than it found. */
public final class NoDescriptorLeaks implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoDescriptorLeaks.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("open", Fds.open());
        context.getStore(NS).put("targets", Fds.snapshot());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) {
        long before = context.getStore(NS).get("open", Long.class);
        // a descriptor another thread holds for an instant (the JVM reading its cgroup files) is not a leak
        long after = Fds.openOnceBackTo(before);
        if (before != after) {
            java.util.Map<Integer, String> then = context.getStore(NS).get("targets", java.util.Map.class);
            java.util.Map<Integer, String> now = Fds.snapshot();
            java.util.Map<Integer, String> opened = new java.util.TreeMap<>(now), closed = new java.util.TreeMap<>(then);
            opened.entrySet().removeIf(e -> e.getValue().equals(then.get(e.getKey())));
            closed.entrySet().removeIf(e -> e.getValue().equals(now.get(e.getKey())));
            assertEquals(before, after, "descriptors open before and after " + context.getDisplayName()
                    + ": opened " + opened + ", closed " + closed);
        }
    }
}
