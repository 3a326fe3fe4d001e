package io.newsflow.launcher;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyBenchCommandTest {
    private static final Pattern ROUND = Pattern.compile("bench-topology: round (\\d+): (\\d+) articles in .* CPU per "
            + "article ([0-9.]+) ms \\(paragraphs in (\\d+), kept (\\d+), removed exact (\\d+) near (\\d+)\\) output "
            + "digest ([0-9a-f]{16})");

    @Test
    void shouldReportEveryRoundWithTheSameOutputDigestAndTheRepeatsItRemoved() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = TopologyBenchCommand.run(new String[] {"--articles", "150", "--rounds", "2", "--corpus", "none"},
                Path.of("../seeds"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(0, exit);
        List<Matcher> rounds = bytes.toString(StandardCharsets.UTF_8).lines().map(ROUND::matcher)
                .filter(Matcher::matches).toList();
        assertEquals(2, rounds.size(), bytes.toString(StandardCharsets.UTF_8));
        Matcher first = rounds.get(0);
        Matcher second = rounds.get(1);
        assertEquals("150", first.group(2));
        // every round starts from empty state on the same articles: the same output, to the byte
        assertEquals(first.group(8), second.group(8));
        long in = Long.parseLong(first.group(4));
        long kept = Long.parseLong(first.group(5));
        long removed = Long.parseLong(first.group(6)) + Long.parseLong(first.group(7));
        assertEquals(in, kept + removed, "every paragraph is kept or removed");
        // the bench data plants exact and reworded reposts of the seeds: both kinds must be found
        assertTrue(Long.parseLong(first.group(6)) > 0 && Long.parseLong(first.group(7)) > 0, first.group());
        assertTrue(Double.parseDouble(first.group(3)) > 0);

        // three owner groups split the keys three ways; which paragraphs are repeats must not depend on it
        ByteArrayOutputStream three = new ByteArrayOutputStream();
        assertEquals(0, TopologyBenchCommand.run(new String[] {"--articles", "150", "--rounds", "1", "--corpus", "none",
                "--owner-groups", "3"}, Path.of("../seeds"), new PrintStream(three, true, StandardCharsets.UTF_8)));
        List<Matcher> threeGroups = three.toString(StandardCharsets.UTF_8).lines().map(ROUND::matcher)
                .filter(Matcher::matches).toList();
        assertEquals(1, threeGroups.size(), three.toString(StandardCharsets.UTF_8));
        assertEquals(first.group(8), threeGroups.get(0).group(8), "one owner group and three give the same output");
    }

    @Test
    void shouldRefuseAnEvenOwnerGroupCountBeforeDoingAnyWork() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> TopologyBenchCommand.run(new String[] {"--owner-groups", "2", "--corpus", "none"},
                        Path.of("../seeds"), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("1 or odd"), e.getMessage());
    }
}
