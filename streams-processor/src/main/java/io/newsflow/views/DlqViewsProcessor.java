package io.newsflow.views;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts the records of one {@code articles-dlq} partition, by the exception Kafka Streams recorded. */
final class DlqViewsProcessor implements Processor<byte[], byte[], Void, Void> {
    private static final int MAX_MESSAGE = 300;

    private KeyValueStore<String, DlqTotals> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(ViewStores.DLQ);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        DlqTotals current = store.get(ViewStores.DLQ_KEY);
        if (current == null) {
            current = DlqTotals.empty();
        }
        Headers h = record.headers();
        String exception = header(h, "__streams.errors.exception");
        String simple = exception == null ? "unknown" : exception.substring(exception.lastIndexOf('.') + 1);
        String message = header(h, "__streams.errors.message");
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        Map<String, Long> byException = new LinkedHashMap<>(current.byException());
        byException.merge(simple, 1L, Long::sum);
        List<DlqTotals.Entry> recent = new ArrayList<>();
        recent.add(new DlqTotals.Entry(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                simple, message, header(h, "__streams.errors.topic"), header(h, "__streams.errors.partition"),
                header(h, "__streams.errors.offset"), record.timestamp()));
        for (DlqTotals.Entry e : current.recent()) {
            if (recent.size() >= ViewStores.DLQ_RECENT) {
                break;
            }
            recent.add(e);
        }
        store.put(ViewStores.DLQ_KEY, new DlqTotals(current.total() + 1, byException, recent));
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
