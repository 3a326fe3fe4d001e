package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.IndexEntry;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.Registration;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import io.newsflow.model.Article;
import io.newsflow.model.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compact binary Serdes for dedup's internal topics and stores. Signatures and keys are fixed-width numbers that
 * JSON would triple in size; these records never leave the application, so a versioned binary layout fits.
 *
 * <p>Layout: a format byte, then big-endian fields; strings as a 2-byte length and modified UTF-8 (the layout of
 * {@code DataOutputStream}, which format 1 was written with, so stores and topics written before stay readable).
 * They run for every probe, verdict and fingerprint lookup, so they work on byte arrays directly, not on streams.
 */
public final class DedupSerdes {
    private static final byte FORMAT = 1;
    /** Pending articles since format 2 carry their cleaned paragraphs and fingerprints instead of the JSON body. */
    private static final byte PENDING_FORMAT = 2;
    /** Probe and verdict batches: format 2 appends how many groups the article asked. */
    private static final byte BATCH_FORMAT = 2;
    /** Probe batches that carry their article (one owner group). */
    private static final byte CARRIED_FORMAT = 3;
    private static final Serde<Article> ARTICLE = new JsonSerde<>(Article.class);

    private DedupSerdes() {
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(Out out, T value);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ByteBuffer in, byte format);
    }

    private static <T> Serde<T> serde(byte format, Writer<T> writer, Reader<T> reader) {
        return serde(format, value -> format, writer, reader);
    }

    /** As above, for records written in one of several formats ({@code formatOf}, at most {@code latest}). */
    private static <T> Serde<T> serde(byte latest, java.util.function.Function<T, Byte> formatOf, Writer<T> writer,
                                      Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            Out out = new Out(256);
            out.writeByte(formatOf.apply(value));
            writer.write(out, value);
            return out.toByteArray();
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                ByteBuffer in = ByteBuffer.wrap(data);
                byte f = in.get();
                if (f < 1 || f > latest) {
                    throw new SerializationException("unknown dedup record format " + f);
                }
                return reader.read(in, f);
            } catch (BufferUnderflowException | IllegalArgumentException e) {
                throw new SerializationException("truncated or corrupt dedup record", e);
            }
        });
    }

    /**
     * Probe batches: format 2 when the article is parked (as before), format 3 when it travels in the probe. Format 3
     * writes the article's header, cleaned paragraphs and fingerprints once, and the reader derives the probes (every
     * paragraph, all its keys) from the fingerprints, so the keys are not sent twice.
     */
    public static Serde<ProbeBatch> probeBatch() {
        return serde(CARRIED_FORMAT, b -> b.article() == null ? BATCH_FORMAT : CARRIED_FORMAT, (out, b) -> {
            out.writeUTF(b.articleId());
            out.writeLong(b.version());
            out.writeLong(b.seq());
            out.writeInt(b.sourcePartition());
            out.writeInt(b.group());
            if (b.article() == null) {
                writeParagraphs(out, b.paragraphs());
                out.writeInt(b.groupsAsked());
            } else {
                out.writeInt(b.groupsAsked());
                writePending(out, b.article());
            }
        }, (in, f) -> {
            String id = readUTF(in);
            long version = in.getLong();
            long seq = in.getLong();
            int partition = in.getInt();
            int group = in.getInt();
            if (f < CARRIED_FORMAT) {
                List<ParagraphProbe> paragraphs = readParagraphs(in);
                return new ProbeBatch(id, version, seq, partition, group, paragraphs, f >= 2 ? in.getInt() : 0);
            }
            int groupsAsked = in.getInt();
            PendingArticle article = readPending(in);
            List<ParagraphProbe> paragraphs = new ArrayList<>(article.fingerprints().size());
            for (int i = 0; i < article.fingerprints().size(); i++) {
                Fingerprint fp = article.fingerprints().get(i);
                paragraphs.add(new ParagraphProbe(i, fp.exact(), fp.signature(), fp.keys()));
            }
            return new ProbeBatch(id, version, seq, partition, group, paragraphs, groupsAsked, article);
        });
    }

    public static Serde<Registration> registration() {
        return serde(FORMAT, (out, r) -> {
            out.writeUTF(r.articleId());
            out.writeLong(r.version());
            writeParagraphs(out, r.paragraphs());
        }, (in, f) -> new Registration(readUTF(in), in.getLong(), readParagraphs(in)));
    }

    private static void writeParagraphs(Out out, List<ParagraphProbe> paragraphs) {
        out.writeInt(paragraphs.size());
        for (ParagraphProbe p : paragraphs) {
            out.writeInt(p.index());
            out.writeLong(p.exact());
            writeSignature(out, p.signature());
            out.writeInt(p.keys().length);
            for (long k : p.keys()) {
                out.writeLong(k);
            }
        }
    }

    private static List<ParagraphProbe> readParagraphs(ByteBuffer in) {
        int n = in.getInt();
        List<ParagraphProbe> paragraphs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = in.getInt();
            long exact = in.getLong();
            short[] signature = readSignature(in);
            long[] keys = new long[in.getInt()];
            for (int k = 0; k < keys.length; k++) {
                keys[k] = in.getLong();
            }
            paragraphs.add(new ParagraphProbe(index, exact, signature, keys));
        }
        return paragraphs;
    }

    public static Serde<IndexEntry> indexEntry() {
        return serde(FORMAT, (out, e) -> {
            out.writeLong(e.registration());
            out.writeInt(e.paragraph());
        }, (in, f) -> new IndexEntry(in.getLong(), in.getInt()));
    }

    public static Serde<Holder> holder() {
        return serde(FORMAT, DedupSerdes::writeHolder, (in, f) -> readHolder(in));
    }

    public static Serde<VerdictBatch> verdictBatch() {
        return serde(BATCH_FORMAT, DedupSerdes::writeVerdict, DedupSerdes::readVerdict);
    }

    public static Serde<PendingArticle> pendingArticle() {
        return serde(PENDING_FORMAT, DedupSerdes::writePending, (in, f) -> f == 1 ? readPendingFormat1(in) : readPending(in));
    }

    private static void writePending(Out out, PendingArticle p) {
        Article a = p.article();
        out.writeNullableString(a.id());
        out.writeNullableString(a.title());
        out.writeNullableString(a.publishedAt());
        out.writeNullableString(a.url());
        out.writeNullableString(a.source());
        out.writeInt(p.paragraphs().size());
        for (int i = 0; i < p.paragraphs().size(); i++) {
            Fingerprint fp = p.fingerprints().get(i);
            out.writeString(p.paragraphs().get(i));
            out.writeLong(fp.exact());
            out.writeInt(fp.words());
            writeSignature(out, fp.signature());
        }
        out.writeLong(p.version());
        out.writeInt(p.groupsExpected());
    }

    private static PendingArticle readPending(ByteBuffer in) {
        Article header = new Article(readNullableString(in), readNullableString(in), readNullableString(in),
                readNullableString(in), readNullableString(in), null);
        int n = in.getInt();
        List<String> paragraphs = new ArrayList<>(n);
        List<Fingerprint> fingerprints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            paragraphs.add(readString(in));
            long exact = in.getLong();
            int words = in.getInt();
            fingerprints.add(new Fingerprint(exact, readSignature(in), words));
        }
        return new PendingArticle(header, paragraphs, fingerprints, in.getLong(), in.getInt());
    }

    /** Format 1 parked the whole article as JSON: its paragraphs and fingerprints are derived again on read. */
    private static PendingArticle readPendingFormat1(ByteBuffer in) {
        byte[] json = new byte[in.getInt()];
        in.get(json);
        long version = in.getLong();
        int expected = in.getInt();
        return PendingArticle.of(ARTICLE.deserializer().deserialize(null, json), version, expected);
    }

    private static void writeVerdict(Out out, VerdictBatch v) {
        out.writeUTF(v.articleId());
        out.writeLong(v.seq());
        out.writeInt(v.sourcePartition());
        out.writeInt(v.group());
        out.writeInt(v.hits().size());
        for (Hit h : v.hits()) {
            out.writeInt(h.index());
            out.writeLong(h.key());
            writeHolder(out, h.holder());
        }
        out.writeInt(v.groupsAsked());
    }

    private static VerdictBatch readVerdict(ByteBuffer in, byte format) {
        String id = readUTF(in);
        long seq = in.getLong();
        int partition = in.getInt();
        int group = in.getInt();
        int n = in.getInt();
        List<Hit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = in.getInt();
            long key = in.getLong();
            hits.add(new Hit(index, key, readHolder(in)));
        }
        return new VerdictBatch(id, seq, partition, group, hits, format >= 2 ? in.getInt() : 0);
    }

    private static void writeHolder(Out out, Holder h) {
        out.writeUTF(h.articleId());
        out.writeLong(h.version());
        out.writeInt(h.index());
        out.writeLong(h.exact());
        writeSignature(out, h.signature());
    }

    private static Holder readHolder(ByteBuffer in) {
        return new Holder(readUTF(in), in.getLong(), in.getInt(), in.getLong(), readSignature(in));
    }

    private static void writeSignature(Out out, short[] signature) {
        if (signature == null) {
            out.writeShort(0);
            return;
        }
        out.writeShort(signature.length);
        for (short s : signature) {
            out.writeShort(s);
        }
    }

    private static short[] readSignature(ByteBuffer in) {
        int n = in.getShort();
        if (n == 0) {
            return null;
        }
        short[] signature = new short[n];
        in.asShortBuffer().get(signature);
        in.position(in.position() + 2 * n);
        return signature;
    }

    /** Modified UTF-8 with a 2-byte length, exactly as {@code DataInput.readUTF}. */
    private static String readUTF(ByteBuffer in) {
        int len = in.getShort() & 0xFFFF;
        return decodeModifiedUtf8(in, len);
    }

    private static String readNullableString(ByteBuffer in) {
        return in.get() == 0 ? null : readString(in);
    }

    /** A string of any length: a 4-byte length, then modified UTF-8 (a paragraph may exceed 64 KB). */
    private static String readString(ByteBuffer in) {
        return decodeModifiedUtf8(in, in.getInt());
    }

    private static String decodeModifiedUtf8(ByteBuffer in, int len) {
        int end = in.position() + len;
        if (len < 0 || end > in.limit()) {
            throw new IllegalArgumentException("string length " + len + " beyond the record");
        }
        char[] chars = new char[len];
        int n = 0;
        byte[] a = in.array();
        int i = in.arrayOffset() + in.position();
        int stop = in.arrayOffset() + end;
        while (i < stop) {
            int b = a[i] & 0xFF;
            if (b < 0x80) {
                chars[n++] = (char) b;
                i++;
            } else if ((b >> 5) == 0x6 && i + 1 < stop) {
                chars[n++] = (char) (((b & 0x1F) << 6) | (a[i + 1] & 0x3F));
                i += 2;
            } else if ((b >> 4) == 0xE && i + 2 < stop) {
                chars[n++] = (char) (((b & 0x0F) << 12) | ((a[i + 1] & 0x3F) << 6) | (a[i + 2] & 0x3F));
                i += 3;
            } else {
                throw new IllegalArgumentException("malformed modified UTF-8 at byte " + (i - in.arrayOffset()));
            }
        }
        in.position(end);
        return new String(chars, 0, n);
    }

    /** A growable big-endian byte buffer: what DataOutputStream over ByteArrayOutputStream did, without the streams. */
    private static final class Out {
        private byte[] buf;
        private int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void writeByte(int v) {
            ensure(1);
            buf[size++] = (byte) v;
        }

        void writeShort(int v) {
            ensure(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void writeInt(int v) {
            ensure(4);
            for (int s = 24; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
        }

        void writeLong(long v) {
            ensure(8);
            for (int s = 56; s >= 0; s -= 8) {
                buf[size++] = (byte) (v >>> s);
            }
        }

        /** As {@code DataOutput.writeUTF}: at most 65535 encoded bytes (ids are capped far below that). */
        void writeUTF(String s) {
            int len = modifiedUtf8Length(s);
            if (len > 0xFFFF) {
                throw new SerializationException("string of " + len + " bytes is too long for a dedup id field");
            }
            writeShort(len);
            encode(s, len);
        }

        void writeString(String s) {
            int len = modifiedUtf8Length(s);
            writeInt(len);
            encode(s, len);
        }

        void writeNullableString(String s) {
            writeByte(s == null ? 0 : 1);
            if (s != null) {
                writeString(s);
            }
        }

        private void encode(String s, int len) {
            ensure(len);
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x0001 && c <= 0x007F) {
                    buf[size++] = (byte) c;
                } else if (c <= 0x07FF) {
                    buf[size++] = (byte) (0xC0 | (c >> 6));
                    buf[size++] = (byte) (0x80 | (c & 0x3F));
                } else {
                    buf[size++] = (byte) (0xE0 | (c >> 12));
                    buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[size++] = (byte) (0x80 | (c & 0x3F));
                }
            }
        }

        private static int modifiedUtf8Length(String s) {
            int len = 0;
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                len += c >= 0x0001 && c <= 0x007F ? 1 : c <= 0x07FF ? 2 : 3;
            }
            return len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
