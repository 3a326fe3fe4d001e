package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import io.newsflow.model.Article;
import io.newsflow.model.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary Serdes for dedup's internal topics and stores. Signatures and keys are fixed-width numbers that
 * JSON would triple in size; these records never leave the application, so a versioned binary layout fits.
 */
public final class DedupSerdes {
    private static final byte FORMAT = 1;
    private static final Serde<Article> ARTICLE = new JsonSerde<>(Article.class);

    private DedupSerdes() {
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                writer.write(out, value);
            } catch (IOException e) {
                throw new SerializationException(e);
            }
            return bytes.toByteArray();
        }, (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte format = in.readByte();
                if (format != FORMAT) {
                    throw new SerializationException("unknown dedup record format " + format);
                }
                return reader.read(in);
            } catch (IOException e) {
                throw new SerializationException(e);
            }
        });
    }

    public static Serde<ProbeBatch> probeBatch() {
        return serde((out, b) -> {
            out.writeUTF(b.articleId());
            out.writeLong(b.version());
            out.writeLong(b.seq());
            out.writeInt(b.sourcePartition());
            out.writeInt(b.group());
            out.writeInt(b.paragraphs().size());
            for (ParagraphProbe p : b.paragraphs()) {
                out.writeInt(p.index());
                out.writeLong(p.exact());
                writeSignature(out, p.signature());
                out.writeInt(p.keys().length);
                for (long k : p.keys()) {
                    out.writeLong(k);
                }
            }
        }, in -> {
            String id = in.readUTF();
            long version = in.readLong();
            long seq = in.readLong();
            int partition = in.readInt();
            int group = in.readInt();
            int n = in.readInt();
            List<ParagraphProbe> paragraphs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int index = in.readInt();
                long exact = in.readLong();
                short[] signature = readSignature(in);
                long[] keys = new long[in.readInt()];
                for (int k = 0; k < keys.length; k++) {
                    keys[k] = in.readLong();
                }
                paragraphs.add(new ParagraphProbe(index, exact, signature, keys));
            }
            return new ProbeBatch(id, version, seq, partition, group, paragraphs);
        });
    }

    public static Serde<Holder> holder() {
        return serde(DedupSerdes::writeHolder, DedupSerdes::readHolder);
    }

    public static Serde<VerdictBatch> verdictBatch() {
        return serde(DedupSerdes::writeVerdict, DedupSerdes::readVerdict);
    }

    public static Serde<PendingArticle> pendingArticle() {
        return serde((out, p) -> {
            byte[] article = ARTICLE.serializer().serialize(null, p.article());
            out.writeInt(article.length);
            out.write(article);
            out.writeLong(p.version());
            out.writeInt(p.groupsExpected());
        }, in -> {
            byte[] article = new byte[in.readInt()];
            in.readFully(article);
            long version = in.readLong();
            int expected = in.readInt();
            return new PendingArticle(ARTICLE.deserializer().deserialize(null, article), version, expected);
        });
    }

    private static void writeVerdict(DataOutputStream out, VerdictBatch v) throws IOException {
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
    }

    private static VerdictBatch readVerdict(DataInputStream in) throws IOException {
        String id = in.readUTF();
        long seq = in.readLong();
        int partition = in.readInt();
        int group = in.readInt();
        int n = in.readInt();
        List<Hit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = in.readInt();
            long key = in.readLong();
            hits.add(new Hit(index, key, readHolder(in)));
        }
        return new VerdictBatch(id, seq, partition, group, hits);
    }

    private static void writeHolder(DataOutputStream out, Holder h) throws IOException {
        out.writeUTF(h.articleId());
        out.writeLong(h.version());
        out.writeInt(h.index());
        out.writeLong(h.exact());
        writeSignature(out, h.signature());
    }

    private static Holder readHolder(DataInputStream in) throws IOException {
        return new Holder(in.readUTF(), in.readLong(), in.readInt(), in.readLong(), readSignature(in));
    }

    private static void writeSignature(DataOutputStream out, short[] signature) throws IOException {
        if (signature == null) {
            out.writeShort(0);
            return;
        }
        out.writeShort(signature.length);
        for (short s : signature) {
            out.writeShort(s);
        }
    }

    private static short[] readSignature(DataInputStream in) throws IOException {
        int n = in.readShort();
        if (n == 0) {
            return null;
        }
        short[] signature = new short[n];
        for (int i = 0; i < n; i++) {
            signature[i] = in.readShort();
        }
        return signature;
    }
}
