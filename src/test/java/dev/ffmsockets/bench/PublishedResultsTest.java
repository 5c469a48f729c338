package dev.ffmsockets.bench;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The performance page's results are the published run's, word for word (its sentences are made from its numbers by
 * the report), and neither that page nor the README's short Performance section says anything about the numbers
 * outside them.
 */
class PublishedResultsTest {

    private static final Path ROOT = Samples.root();

    @Test
    void thePerformancePageShowsThePublishedResultsAndNoOtherNumbers() throws IOException {
        String page = Files.readString(ROOT.resolve("docs/performance.md"));
        String results = Files.readString(ROOT.resolve("src/site/performance/results.md"));
        Matcher m = Pattern.compile("(?s)<!-- bench:results begin -->\\n(.*)<!-- bench:results end -->").matcher(page);
        assertTrue(m.find(), "docs/performance.md has the bench:results markers");
        assertEquals(results, m.group(1),
                "docs/performance.md's results are src/site/performance/results.md (scripts/bench --publish)");
        assertTrue(results.contains("Method: full run"), "the published run is a full one");
        assertTrue(Files.exists(ROOT.resolve("src/site/performance/results.json")));
        assertTrue(Files.exists(ROOT.resolve("src/site/performance/chart.svg")));
        assertNoClaim("docs/performance.md", page.replace(m.group(0), ""));
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("## Performance"), end = readme.indexOf("\n## ", start + 1);
        assertTrue(start >= 0 && end > start, "README.md has a Performance section");
        assertNoClaim("README.md's Performance section", readme.substring(start, end));
    }

    private static void assertNoClaim(String where, String prose) {
        Matcher claim = Pattern.compile("\\d\\.\\d+×|\\*\\*(met|missed|above|below)\\*\\*").matcher(prose);
        assertFalse(claim.find(), () -> where + ": a number or verdict outside the generated results: \""
                + claim.group() + "\"");
    }
}
