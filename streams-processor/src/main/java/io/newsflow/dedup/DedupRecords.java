package io.newsflow.dedup;

import io.newsflow.model.Article;

import java.util.List;

/** The records dedup sends through its repartition topics and keeps in its stores. */
public final class DedupRecords {
    private DedupRecords() {
    }

    /** One paragraph's keys that the receiving owner group is responsible for. */
    public record ParagraphProbe(int index, long exact, short[] signature, long[] keys) {
    }

    /**
     * Everything one article asks one owner group: sent once per (article, group). {@code seq} and
     * {@code sourcePartition} identify the pending article the verdict must return to; {@code groupsAsked} is how
     * many groups the article asked (0 in records written before it was carried), so the assembler can tell the last
     * verdict without reading the parked article. With one owner group the article is not parked but travels in its
     * probe ({@code article}, else null), and the owner's task assembles it: one hop and no parking store round trip.
     * {@code paragraphs} then probes every paragraph with all its keys.
     */
    public record ProbeBatch(String articleId, long version, long seq, int sourcePartition, int group,
                             List<ParagraphProbe> paragraphs, int groupsAsked, PendingArticle article) {

        /** A probe whose article is parked on its own partition. */
        public ProbeBatch(String articleId, long version, long seq, int sourcePartition, int group,
                          List<ParagraphProbe> paragraphs, int groupsAsked) {
            this(articleId, version, seq, sourcePartition, group, paragraphs, groupsAsked, null);
        }
    }

    /** The first-seen owner of a key: which paragraph of which article (and article version) registered it. */
    public record Holder(String articleId, long version, int index, long exact, short[] signature) {

        /** Paragraph {@code p} of version {@code version} of article {@code articleId} as a key's holder. */
        public static Holder of(String articleId, long version, ParagraphProbe p) {
            return new Holder(articleId, version, p.index(), p.exact(), p.signature());
        }
    }

    /**
     * What one probe batch registered on its owner: the paragraphs that became first holder of some keys, each with
     * only the keys it won. The owner's changelogged state is one of these per registering batch, stored under the
     * probe's offset; the per-key index it looks keys up in is derived from them (see {@link FingerprintOwner}).
     */
    public record Registration(String articleId, long version, List<ParagraphProbe> paragraphs) {

        public Holder holder(ParagraphProbe p) {
            return Holder.of(articleId, version, p);
        }
    }

    /**
     * An index entry: the first holder of a key is paragraph {@code paragraph} of the registration stored under
     * {@code registration} (a probe offset). Twelve bytes instead of the holder itself (its signature is 128), under
     * each of a paragraph's 13 keys; the holder is read from the registration only when a key is hit. Entries with
     * {@code registration < 0} are the index's own bookkeeping.
     */
    public record IndexEntry(long registration, int paragraph) {
    }

    /** A key of paragraph {@code index} already held by another article's paragraph. */
    public record Hit(int index, long key, Holder holder) {
    }

    /**
     * One owner group's answer to one {@link ProbeBatch}; {@code groupsAsked} is copied from it, and so is the article
     * when the probe carried it (such a verdict is assembled in the owner's task and never written to a topic).
     */
    public record VerdictBatch(String articleId, long seq, int sourcePartition, int group, List<Hit> hits,
                               int groupsAsked, PendingArticle article) {

        /** A verdict for an article parked on its own partition. */
        public VerdictBatch(String articleId, long seq, int sourcePartition, int group, List<Hit> hits, int groupsAsked) {
            this(articleId, seq, sourcePartition, group, hits, groupsAsked, null);
        }
    }

    /**
     * An article waiting for the verdicts of every owner group it asked (they wait in their own store). It keeps
     * what the fingerprinter computed, so the assembler does not clean and fingerprint the text a second time:
     * {@code article} holds the header fields (its body is null), {@code paragraphs} the cleaned paragraphs and
     * {@code fingerprints} theirs, index for index.
     */
    public record PendingArticle(Article article, List<String> paragraphs, List<Fingerprint> fingerprints,
                                 long version, int groupsExpected) {

        /** Parks {@code article}, computing its paragraphs and fingerprints. */
        static PendingArticle of(Article article, long version, int groupsExpected) {
            List<String> paragraphs = ArticleText.paragraphs(article);
            return new PendingArticle(headerOf(article), paragraphs, ArticleText.fingerprints(paragraphs), version,
                    groupsExpected);
        }

        static Article headerOf(Article a) {
            return new Article(a.id(), a.title(), a.publishedAt(), a.url(), a.source(), null);
        }
    }
}
