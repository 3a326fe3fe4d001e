package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.Registration;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import io.newsflow.model.Article;
import io.newsflow.model.NewsflowSerdes;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DedupSerdesTest {

    private static final ParagraphFingerprinter FP = new ParagraphFingerprinter();
    private static final String TEXT = "The People's Bank of China expanded the e-CNY pilot to more cities this week, "
            + "officials said on Monday — café owners in Shenzhen 深圳 accept it. \uD83D\uDE00";
    private static final Fingerprint PRINT = FP.fingerprint(TEXT);
    private static final String ID = "id-\u00e9\u4e2d\u0000-\uD83D\uDE00";

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void shouldRoundTripHoldersProbesVerdictsAndRegistrationsWithAnyCharactersInIds() {
        Holder h = new Holder(ID, 42L, 3, PRINT.exact(), PRINT.signature());
        Holder back = roundTrip(DedupSerdes.holder(), h);
        assertEquals(ID, back.articleId());
        assertEquals(42L, back.version());
        assertEquals(3, back.index());
        assertArrayEquals(PRINT.signature(), back.signature());
        assertNull(roundTrip(DedupSerdes.holder(), new Holder("a", 1, 0, 7, null)).signature());

        ProbeBatch b = new ProbeBatch(ID, 9, 1234, 2, 1, List.of(new ParagraphProbe(0, PRINT.exact(), PRINT.signature(),
                PRINT.keys()), new ParagraphProbe(1, 5, null, new long[] {4})), 3);
        ProbeBatch pb = roundTrip(DedupSerdes.probeBatch(), b);
        assertEquals(ID, pb.articleId());
        assertEquals(1234, pb.seq());
        assertEquals(3, pb.groupsAsked());
        assertArrayEquals(PRINT.keys(), pb.paragraphs().get(0).keys());
        assertNull(pb.paragraphs().get(1).signature());

        VerdictBatch v = new VerdictBatch(ID, 7, 0, 2, List.of(new Hit(1, 99L, h)), 3);
        VerdictBatch vb = roundTrip(DedupSerdes.verdictBatch(), v);
        assertEquals(3, vb.groupsAsked());
        assertEquals(99L, vb.hits().get(0).key());
        assertEquals(ID, vb.hits().get(0).holder().articleId());

        Registration r = roundTrip(DedupSerdes.registration(), new Registration(ID, 9, b.paragraphs()));
        assertEquals(ID, r.articleId());
        assertEquals(9, r.version());
        assertArrayEquals(PRINT.keys(), r.paragraphs().get(0).keys());
        assertArrayEquals(PRINT.signature(), r.holder(r.paragraphs().get(0)).signature());
        assertArrayEquals(new long[] {4}, r.paragraphs().get(1).keys());
    }

    @Test
    void shouldReadProbesAndVerdictsWrittenBeforeTheyCarriedTheGroupCount() {
        // format 1 is format 2 without the trailing group count: records still in the repartition topics or the
        // verdict store after an upgrade
        ProbeBatch b = new ProbeBatch(ID, 9, 1234, 2, 1, List.of(new ParagraphProbe(0, PRINT.exact(),
                PRINT.signature(), PRINT.keys())), 3);
        ProbeBatch old = DedupSerdes.probeBatch().deserializer().deserialize("t", formatOne(
                DedupSerdes.probeBatch().serializer().serialize("t", b)));
        assertEquals(1234, old.seq());
        assertArrayEquals(PRINT.keys(), old.paragraphs().get(0).keys());
        assertEquals(0, old.groupsAsked(), "unknown: the assembler reads the parked article for it");

        VerdictBatch v = new VerdictBatch(ID, 7, 0, 2, List.of(new Hit(1, 99L,
                new Holder(ID, 42L, 3, PRINT.exact(), PRINT.signature()))), 3);
        VerdictBatch oldVerdict = DedupSerdes.verdictBatch().deserializer().deserialize("t", formatOne(
                DedupSerdes.verdictBatch().serializer().serialize("t", v)));
        assertEquals(99L, oldVerdict.hits().get(0).key());
        assertEquals(0, oldVerdict.groupsAsked());
    }

    private static byte[] formatOne(byte[] formatTwo) {
        byte[] old = java.util.Arrays.copyOf(formatTwo, formatTwo.length - Integer.BYTES);
        old[0] = 1;
        return old;
    }

    @Test
    void shouldCarryTheArticleInAProbeAndDeriveItsProbesFromTheFingerprints() {
        Article a = new Article(ID, "A title", "2026-12-03", "https://x", "src", TEXT + "\n\nA short second paragraph of seven words.");
        PendingArticle p = PendingArticle.of(a, 11, 1);
        List<ParagraphProbe> probes = List.of(
                new ParagraphProbe(0, p.fingerprints().get(0).exact(), p.fingerprints().get(0).signature(),
                        p.fingerprints().get(0).keys()),
                new ParagraphProbe(1, p.fingerprints().get(1).exact(), p.fingerprints().get(1).signature(),
                        p.fingerprints().get(1).keys()));
        assertNull(probes.get(1).signature(), "too short for a signature: exact key only");
        ProbeBatch b = roundTrip(DedupSerdes.probeBatch(), new ProbeBatch(ID, 11, 77, 2, 0, probes, 1, p));

        assertEquals(ID, b.articleId());
        assertEquals(77, b.seq());
        assertEquals(2, b.sourcePartition());
        assertEquals(1, b.groupsAsked());
        assertEquals(a.title(), b.article().article().title());
        assertEquals(p.paragraphs(), b.article().paragraphs());
        assertEquals(2, b.paragraphs().size());
        for (int i = 0; i < probes.size(); i++) {
            assertEquals(i, b.paragraphs().get(i).index());
            assertEquals(probes.get(i).exact(), b.paragraphs().get(i).exact());
            assertArrayEquals(probes.get(i).signature(), b.paragraphs().get(i).signature());
            assertArrayEquals(probes.get(i).keys(), b.paragraphs().get(i).keys(), "every key of paragraph " + i);
        }
        // a parked article's probe is written as before (format 2), so instances not yet upgraded read it
        byte[] parked = DedupSerdes.probeBatch().serializer().serialize("t", new ProbeBatch(ID, 11, 77, 2, 0, probes, 1));
        assertEquals(2, parked[0]);
        assertNull(DedupSerdes.probeBatch().deserializer().deserialize("t", parked).article());
    }

    @Test
    void shouldParkTheCleanedParagraphsAndFingerprintsOfAnArticle() {
        Article a = new Article(ID, "A title", null, "https://x", "src", TEXT + "\n\n<b>second</b> paragraph\n\n" + "x".repeat(70_000));
        PendingArticle p = PendingArticle.of(a, 11, 3);
        PendingArticle back = roundTrip(DedupSerdes.pendingArticle(), p);
        assertEquals(p.article(), back.article());
        assertNull(back.article().body());
        assertEquals(ArticleText.paragraphs(a), back.paragraphs());
        assertEquals(3, back.groupsExpected());
        for (int i = 0; i < p.fingerprints().size(); i++) {
            assertEquals(p.fingerprints().get(i).exact(), back.fingerprints().get(i).exact());
            assertEquals(p.fingerprints().get(i).words(), back.fingerprints().get(i).words());
            assertArrayEquals(p.fingerprints().get(i).signature(), back.fingerprints().get(i).signature());
        }
    }

    /** Stores and topics written by the DataOutputStream-based format 1 must stay readable after an upgrade. */
    @Test
    void shouldReadRecordsWrittenInFormatOne() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(ID);
            out.writeLong(42L);
            out.writeInt(3);
            out.writeLong(PRINT.exact());
            out.writeShort(PRINT.signature().length);
            for (short s : PRINT.signature()) {
                out.writeShort(s);
            }
        }
        Holder h = DedupSerdes.holder().deserializer().deserialize("t", bytes.toByteArray());
        assertEquals(ID, h.articleId());
        assertArrayEquals(PRINT.signature(), h.signature());
        // and the new writer produces exactly those bytes
        assertArrayEquals(bytes.toByteArray(), DedupSerdes.holder().serializer().serialize("t", h));

        Article a = new Article("old-1", "T", null, null, null, TEXT + "\n\nsecond paragraph here");
        byte[] json = NewsflowSerdes.article().serializer().serialize("t", a);
        bytes.reset();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeInt(json.length);
            out.write(json);
            out.writeLong(5L);
            out.writeInt(2);
        }
        PendingArticle p = DedupSerdes.pendingArticle().deserializer().deserialize("t", bytes.toByteArray());
        assertEquals(ArticleText.paragraphs(a), p.paragraphs());
        assertEquals(PRINT.exact(), p.fingerprints().get(0).exact());
        assertEquals(2, p.groupsExpected());
    }

    @Test
    void shouldRejectTruncatedAndUnknownRecordsClearly() {
        byte[] good = DedupSerdes.holder().serializer().serialize("t", new Holder("a", 1, 0, 7, PRINT.signature()));
        assertThrows(SerializationException.class,
                () -> DedupSerdes.holder().deserializer().deserialize("t", Arrays.copyOf(good, good.length - 3)));
        byte[] future = good.clone();
        future[0] = 9;
        assertThrows(SerializationException.class, () -> DedupSerdes.holder().deserializer().deserialize("t", future));
    }
}
