package io.newsflow.dedup;

import io.newsflow.classify.Classification;
import io.newsflow.classify.ThemeClassifier;
import io.newsflow.model.Article;
import io.newsflow.model.NewsflowSerdes;
import org.apache.kafka.common.serialization.Serde;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-paragraph and per-article hot paths of the processor, single-threaded, average time per call.
 * Lives in {@code io.newsflow.dedup} so it can call the package-private tokeniser and cleaner directly.
 *
 * <p>Inputs are fixed text written for this benchmark (no corpus needed): {@link BenchText#PARAGRAPH_100} has
 * exactly 100 words; {@link BenchText#ARTICLE_10} has 10 paragraphs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class HotPathBenchmarks {

    private final ParagraphFingerprinter fingerprinter = new ParagraphFingerprinter();
    private ThemeClassifier classifier;
    private Article article;
    private List<String> articleParagraphs;
    private byte[] articleJson;
    private Serde<Article> articleSerde;
    private long[] tokens;
    private Fingerprint fingerprint;
    private String reworded;

    @Setup
    public void setUp() {
        classifier = ThemeClassifier.defaults();
        article = new Article("bench-1", BenchText.TITLE, "2025-01-01T00:00:00Z", "https://example.invalid/1",
                "bench", String.join("\n\n", BenchText.ARTICLE_10));
        articleParagraphs = ArticleText.paragraphs(article);
        if (articleParagraphs.size() != 10) {
            throw new IllegalStateException("expected 10 paragraphs, got " + articleParagraphs.size());
        }
        articleSerde = NewsflowSerdes.article();
        articleJson = articleSerde.serializer().serialize("articles", article);
        tokens = new long[256];
        int words = ParagraphFingerprinter.tokenize(BenchText.PARAGRAPH_100, tokens);
        if (words != 100) {
            throw new IllegalStateException("expected a 100-word paragraph, got " + words);
        }
        fingerprint = fingerprinter.fingerprint(BenchText.PARAGRAPH_100);
        reworded = BenchText.PARAGRAPH_100.replace("sharply", "steeply").replace("Tuesday", "Wednesday");
    }

    // ---- normalisation / tokenising (per paragraph)

    /** HTML/entity/control-character clean-up and whitespace folding of one 100-word paragraph. */
    @Benchmark
    public String normaliseParagraph() {
        return ArticleText.clean(BenchText.PARAGRAPH_100);
    }

    /** Word hashes of one 100-word paragraph (the exact-fingerprint tokeniser). */
    @Benchmark
    public int tokeniseParagraph() {
        return ParagraphFingerprinter.tokenize(BenchText.PARAGRAPH_100, tokens);
    }

    /** Body split into cleaned paragraphs for a whole 10-paragraph article (the processor does it twice per article). */
    @Benchmark
    public List<String> splitAndCleanArticle() {
        return ArticleText.paragraphs(article);
    }

    // ---- dedup (per paragraph)

    /** Exact hash + 7-gram one-permutation MinHash signature of one 100-word paragraph. Target: under 20 µs. */
    @Benchmark
    public Fingerprint fingerprintParagraph() {
        return fingerprinter.fingerprint(BenchText.PARAGRAPH_100);
    }

    /** Exact key + 16 LSH band keys of one fingerprint (every paragraph's store keys). */
    @Benchmark
    public long[] storeKeys() {
        return fingerprint.keys();
    }

    /** Exact Jaccard of two 100-word paragraphs: the verification of one near-duplicate candidate. */
    @Benchmark
    public double verifyCandidate() {
        return ParagraphFingerprinter.resemblance(BenchText.PARAGRAPH_100, reworded);
    }

    // ---- classification (per article)

    /** Theme classification of a 10-paragraph article (title + paragraphs). Target: under 50 µs. */
    @Benchmark
    public Classification classifyArticle() {
        return classifier.classify(BenchText.TITLE, articleParagraphs);
    }

    // ---- serialisation (per article, for scale)

    /** JSON deserialisation of the 10-paragraph article, as the processor's source node does it. */
    @Benchmark
    public Article deserialiseArticle() {
        return articleSerde.deserializer().deserialize("articles", articleJson);
    }
}
