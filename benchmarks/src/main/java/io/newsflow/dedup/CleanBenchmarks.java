package io.newsflow.dedup;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A proposal for others' code, measured: {@link ArticleText#clean} with its two always-run regular expressions
 * (control characters, whitespace runs) replaced by one character loop. Same output (checked in setup on every
 * benchmark paragraph and on edge cases); only the rare tag/entity paths keep their regex/replace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class CleanBenchmarks {

    @Setup
    public void check() {
        String[] cases = {BenchText.PARAGRAPH_100, "  a\u00A0\u00A0b\t\nc\u200B d\u0000e  ", "\u2003x y\u2003", "",
                " \u0007 ", "a <b>bold</b> &amp; c", "a\rb\u000Bc\fd \r e\u0085f"};
        for (String c : cases) {
            if (!ArticleText.clean(c).equals(cleanLoop(c))) {
                throw new IllegalStateException("cleanLoop differs on [" + c + "]");
            }
        }
        for (String p : BenchText.ARTICLE_10) {
            if (!ArticleText.clean(p).equals(cleanLoop(p))) {
                throw new IllegalStateException("cleanLoop differs on a benchmark paragraph");
            }
        }
    }

    @Benchmark
    public String cleanRegex() {
        return ArticleText.clean(BenchText.PARAGRAPH_100);
    }

    @Benchmark
    public String cleanCharLoop() {
        return cleanLoop(BenchText.PARAGRAPH_100);
    }

    /** Drop-in body for ArticleText.clean: tag/entity handling unchanged, then one pass for controls and spaces. */
    static String cleanLoop(String paragraph) {
        String s = paragraph;
        if (s.indexOf('<') >= 0) {
            s = s.replaceAll("<[^<>]{0,500}>", " ");
        }
        if (s.indexOf('&') >= 0) {
            s = s.replace("&nbsp;", " ").replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">");
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            // \x0B \f \r are Cc: the regex version deletes them before folding spaces, so they are not spaces here
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u00A0') {
                space = true;
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                continue; // \p{Cc}\p{Cf} minus \n\t (already handled above as spaces)
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(c);
        }
        if (space) {
            out.append(' ');
        }
        return out.toString().strip();
    }
}
