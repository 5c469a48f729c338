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
    }

    @Override
    public void afterEach(ExtensionContext context) {
        long before = context.getStore(NS).get("open", Long.class);
        assertEquals(before, Fds.open(), "descriptors open before and after " + context.getDisplayName());
    }
}
