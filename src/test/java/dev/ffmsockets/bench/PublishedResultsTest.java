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
 * The README's performance results are the published run's, word for word (its sentences are made from its
 * numbers by the report), and the README says nothing about the numbers outside them.
 */
class PublishedResultsTest {

    private static final Path ROOT = Samples.root();

    @Test
    void theReadmeShowsThePublishedResultsAndNoOtherNumbers() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String results = Files.readString(ROOT.resolve("src/site/performance/results.md"));
        Matcher m = Pattern.compile("(?s)<!-- bench:results begin -->\\n(.*)<!-- bench:results end -->").matcher(readme);
        assertTrue(m.find(), "README.md has the bench:results markers");
        assertEquals(results, m.group(1), "README.md's results are src/site/performance/results.md (scripts/bench --publish)");
        assertTrue(results.contains("Method: full run"), "the published run is a full one");
        assertTrue(Files.exists(ROOT.resolve("src/site/performance/results.json")));
        assertTrue(Files.exists(ROOT.resolve("src/site/performance/chart.svg")));
        int start = readme.indexOf("## Performance"), end = readme.indexOf("\n## ", start + 1);
        String prose = readme.substring(start, end).replace(m.group(0), "");
        Matcher claim = Pattern.compile("\\d\\.\\d+×|\\*\\*(met|missed|above|below)\\*\\*").matcher(prose);
        assertFalse(claim.find(), () -> "a number or verdict outside the generated results: \"" + claim.group() + "\"");
    }
}
