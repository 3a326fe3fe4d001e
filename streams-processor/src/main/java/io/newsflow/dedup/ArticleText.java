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
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n\\t]]");
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0]+");
    private static final ParagraphFingerprinter TITLES = new ParagraphFingerprinter(); // stateless, thread-safe

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
        s = CONTROL.matcher(s).replaceAll("");
        return SPACES.matcher(s).replaceAll(" ").strip();
    }

    /** A stable hash of the article's content: equal for re-publications of the same text under the same id. */
    public static long version(String title, List<Fingerprint> fingerprints) {
        long h = 0x5EEDL ^ (title == null ? 0 : TITLES.fingerprint(title).exact());
        for (Fingerprint f : fingerprints) {
            h = ParagraphFingerprinter.mix(h * 31 + f.exact());
        }
        return h;
    }
}
