package io.newsflow.dedup;

import io.newsflow.model.Article;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The paragraphs the pipeline works on: the body split on blank lines, stray HTML tags and entities and control
 * characters removed, empty results dropped. Paragraph indexes everywhere refer to this list.
 */
public final class ArticleText {
    private static final Pattern TAG = Pattern.compile("<[^<>]{0,500}>");
    private static final ParagraphFingerprinter FINGERPRINTER = new ParagraphFingerprinter(); // stateless, thread-safe

    private ArticleText() {
    }

    public static List<String> paragraphs(Article article) {
        List<String> raw = Article.splitParagraphs(article.body());
        List<String> out = new ArrayList<>(raw.size());
        for (String p : raw) {
            String clean = clean(p);
            if (!clean.isEmpty()) {
                out.add(clean);
            }
        }
        return out;
    }

    static String clean(String paragraph) {
        String s = paragraph;
        if (s.indexOf('<') >= 0) {
            s = TAG.matcher(s).replaceAll(" ");
        }
        if (s.indexOf('&') >= 0) {
            s = s.replace("&nbsp;", " ").replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'")
                    .replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">");
        }
        return foldControlsAndSpaces(s);
    }

    /**
     * One pass that deletes control and format characters ({@code \p{Cc}\p{Cf}} but tab and newline), folds runs of
     * whitespace and no-break spaces into one space and strips the ends. It runs on every paragraph of every
     * article, so it is a char loop, not three regular expressions; ArticleTextTest holds it equal to them.
     */
    private static String foldControlsAndSpaces(String s) {
        if (isFolded(s)) {
            return s; // most paragraphs: nothing to delete or fold, so no copy
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u00A0') {
                space = out.length() > 0;
                continue;
            }
            int width = 1;
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                continue; // Cc: VT, FF and CR are deleted, not folded into spaces, as the regex version did
            }
            if (c >= 0x80) {
                int cp = s.codePointAt(i);
                if (Character.getType(cp) == Character.FORMAT) {
                    i += Character.charCount(cp) - 1;
                    continue;
                }
                width = Character.charCount(cp);
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            out.append(s, i, i + width);
            i += width - 1;
        }
        return out.toString().strip(); // strip() also trims Unicode spaces (em space ...) that are kept inside
    }

    /** Whether {@link #foldControlsAndSpaces} would return {@code s} unchanged; a cheap scan, false when unsure. */
    private static boolean isFolded(String s) {
        int n = s.length();
        if (n == 0 || Character.isWhitespace(s.charAt(0)) || Character.isWhitespace(s.charAt(n - 1))
                || Character.isSpaceChar(s.charAt(0)) || Character.isSpaceChar(s.charAt(n - 1))) {
            return n == 0;
        }
        char prev = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c == ' ' && prev == ' ')) {
                return false;
            }
            if (c >= 0x7F && (c <= 0x9F || c == '\u00A0' || Character.isSurrogate(c)
                    || Character.getType(c) == Character.FORMAT)) {
                return false;
            }
            prev = c;
        }
        return true;
    }

    /** The fingerprint of every paragraph, index for index. */
    public static List<Fingerprint> fingerprints(List<String> paragraphs) {
        List<Fingerprint> out = new ArrayList<>(paragraphs.size());
        for (String p : paragraphs) {
            out.add(FINGERPRINTER.fingerprint(p));
        }
        return out;
    }

    /** A stable hash of the article's content: equal for re-publications of the same text under the same id. */
    public static long version(String title, List<Fingerprint> fingerprints) {
        long h = 0x5EEDL ^ (title == null ? 0 : FINGERPRINTER.fingerprint(title).exact());
        for (Fingerprint f : fingerprints) {
            h = ParagraphFingerprinter.mix(h * 31 + f.exact());
        }
        return h;
    }
}
