package io.newsflow.dedup;

import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The paragraph splitting and cleaning are char loops for speed; their definition is the regular expressions below
 * (what they were). Fingerprints, themes and kept text all derive from these paragraphs, so any difference would
 * change results users already have.
 */
class ArticleTextTest {

    private static final Pattern TAG = Pattern.compile("<[^<>]{0,500}>");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n\\t]]");
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0]+");
    private static final Path CORPORA = Path.of(System.getenv().getOrDefault("NEWSFLOW_CORPORA", "/work/shared/corpora"));

    static String cleanByRegex(String paragraph) {
        String s = paragraph;
        if (s.indexOf('<') >= 0) {
            s = TAG.matcher(s).replaceAll(" ");
        }
        if (s.indexOf('&') >= 0) {
            s = s.replace("&nbsp;", " ").replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">");
        }
        s = CONTROL.matcher(s).replaceAll("");
        return SPACES.matcher(s).replaceAll(" ").strip();
    }

    static List<String> splitByRegex(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : body.split("\\R", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                if (current.length() > 0) {
                    out.add(current.toString());
                    current.setLength(0);
                }
            } else {
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(trimmed);
            }
        }
        if (current.length() > 0) {
            out.add(current.toString());
        }
        return out;
    }

    private static final String[] AWKWARD = {
            "", " ", "plain text", "  a\u00A0\u00A0b\t\nc\u200B d\u0000e  ", "\u2003x y\u2003", " \u0007 ",
            "a <b>bold</b> &amp; c &lt;i&gt;", "a\rb\u000Bc\fd \r e\u0085f", "x\u2028y\u2029z", "tab\tend\t",
            "emoji \uD83D\uDE00 ok", "tag char \uDB40\uDC01 gone", "lone \uD800 surrogate", "\u00A0\u00A0", "a\u202Fb\u2007c",
            "first\r\n\r\nsecond\n\nthird\r\rfourth", "line one\nline two\n\n\n para \u00A0\n\u2003\nlast", "<p>x</p>\n\n&nbsp;",
            "\u0085\u0085", "soft\u00ADhyphen", "zero\uFEFFwidth", "C1\u0090ctl", "del\u007F", "\u000B\u000C\r",
    };

    @Test
    void shouldCleanExactlyAsTheRegularExpressionsDo() {
        for (String s : AWKWARD) {
            assertEquals(cleanByRegex(s), ArticleText.clean(s), () -> "clean differs on [" + s + "]");
        }
    }

    @Test
    void shouldSplitParagraphsExactlyAsTheLineRegexDoes() {
        for (String s : AWKWARD) {
            assertEquals(splitByRegex(s), Article.splitParagraphs(s), () -> "split differs on [" + s + "]");
        }
    }

    @Test
    void shouldMatchTheRegularExpressionsOnEveryShippedAndCorpusArticle() throws Exception {
        List<Path> inputs = new ArrayList<>(List.of(Path.of("..", "seeds")));
        if (Files.isDirectory(CORPORA)) {
            inputs.add(CORPORA); // third-party text: used where present, never shipped
        }
        int checked = 0;
        for (Path input : inputs) {
            for (Article a : ArticleFiles.readAll(input)) {
                List<String> raw = Article.splitParagraphs(a.body());
                assertEquals(splitByRegex(a.body()), raw, "split differs on " + a.id());
                for (String p : raw) {
                    assertEquals(cleanByRegex(p), ArticleText.clean(p), "clean differs in " + a.id());
                    checked++;
                }
            }
        }
        assertTrue(checked > 20, "too few paragraphs checked: " + checked);
    }
}
