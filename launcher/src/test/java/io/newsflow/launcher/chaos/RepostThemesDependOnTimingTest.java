package io.newsflow.launcher.chaos;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DuplicateResolver;
import io.newsflow.dedup.DuplicateResolver.Decision;
import io.newsflow.dedup.Fingerprint;
import io.newsflow.dedup.ParagraphFingerprinter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Found while reviewing what the chaos comparison may treat as timing-independent. ArticleAssembler classifies
 * "everything but its own internal repeats" (a paragraph stays in the evidence unless it was removed as a repeat of
 * the same article). But DuplicateResolver.exactRepeat consults the owners' hits before the article's own earlier
 * paragraphs, so when another article already holds a paragraph that this article repeats internally, the internal
 * repeat is attributed to the other article and stays in the evidence: it is counted twice. Which article came first
 * depends on cross-partition timing (and on replays after a crash), so the themes of the same article can differ
 * between two runs of the same input. This test applies the assembler's evidence rule to the resolver's decisions with
 * and without the other article's hits; it fails until the evidence stops depending on them.
 */
class RepostThemesDependOnTimingTest {

    private static final String P = "Regulators fined the exchange for failing to verify customers under anti-money "
            + "laundering rules, the second penalty this year.";
    private static final String Q = "Bitcoin traded near its record high as spot ETF inflows continued for a third week.";

    @Test
    void themesEvidenceOfAnArticleDoesNotDependOnWhetherAnotherArticleHeldItsRepeatFirst() {
        List<String> texts = List.of(P, Q, P); // paragraph 2 repeats paragraph 0 inside the article
        ParagraphFingerprinter fp = new ParagraphFingerprinter();
        List<Fingerprint> prints = texts.stream().map(fp::fingerprint).toList();
        DuplicateResolver resolver = new DuplicateResolver(0.7);

        // run 1: this article came first, nobody else holds P
        List<String> first = evidence("a", texts, resolver.resolve("a", texts, prints, List.of()));
        // run 2: article "b" published P a few milliseconds earlier on another partition and holds its exact key
        Fingerprint p = prints.get(0);
        Holder b = new Holder("b", 1L, 0, p.exact(), p.signature());
        long exactKey = ParagraphFingerprinter.exactKey(p.exact());
        List<Hit> hits = List.of(new Hit(0, exactKey, b), new Hit(2, exactKey, b));
        List<String> repost = evidence("a", texts, resolver.resolve("a", texts, prints, hits));

        assertEquals(first, repost, "the paragraphs classified for article a depend on which article came first");
    }

    /** ArticleAssembler.enrich's rule: keep d unless it was removed as a repeat of the same article. */
    private static List<String> evidence(String id, List<String> texts, List<Decision> decisions) {
        List<String> out = new ArrayList<>();
        for (Decision d : decisions) {
            if (!d.removed() || !d.duplicateOf().articleId().equals(id)) {
                out.add(texts.get(d.index()));
            }
        }
        return out;
    }
}
