package io.newsflow.processor;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DedupRocksDbConfigTest {
    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldTuneTheDedupLookupStoresForPointLookupsAndLeaveTheOthersAlone() {
        for (String store : new String[] {NewsflowTopology.FINGERPRINT_STORE, NewsflowTopology.REGISTRATION_STORE}) {
            try (Options options = streamsLikeOptions()) {
                new DedupRocksDbConfig().setConfig(store, options, Map.of());
                assertTrue(options.memtableWholeKeyFiltering(), store);
                assertTrue(options.memtablePrefixBloomSizeRatio() > 0, store);
                assertEquals(DataBlockIndexType.kDataBlockBinaryAndHash,
                        ((BlockBasedTableConfig) options.tableFormatConfig()).dataBlockIndexType(), store);
            }
        }
        try (Options options = streamsLikeOptions()) {
            new DedupRocksDbConfig().setConfig(NewsflowTopology.PENDING_STORE, options, Map.of());
            assertEquals(0.0, options.memtablePrefixBloomSizeRatio());
            assertEquals(DataBlockIndexType.kDataBlockBinarySearch,
                    ((BlockBasedTableConfig) options.tableFormatConfig()).dataBlockIndexType());
        }
    }

    @Test
    void shouldBeTheProcessorsRocksDbConfigSetter() {
        ProcessorConfig config = new ProcessorConfig("unused:9092", "app", Path.of("state"), 1,
                new io.newsflow.dedup.DedupSettings(0.7, java.time.Duration.ofDays(30), 3), null);
        assertEquals(DedupRocksDbConfig.class,
                config.streamsProperties().get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG));
    }

    /** Options as Kafka Streams hands them to a config setter: a block-based table format already set. */
    private static Options streamsLikeOptions() {
        Options options = new Options();
        options.setTableFormatConfig(new BlockBasedTableConfig());
        return options;
    }
}
