package io.newsflow.processor;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.Options;

import java.util.Map;

/**
 * RocksDB settings for the stores that dedup looks keys up in one at a time ({@link NewsflowTopology#FINGERPRINT_STORE}
 * and the registrations): a Bloom filter on the memtables, so a lookup of a key that is not in them skips their
 * skip lists, and a hash index inside data blocks, so a lookup in a block is one probe instead of a binary search.
 * Every other store keeps Kafka Streams' defaults.
 */
public final class DedupRocksDbConfig implements RocksDBConfigSetter {

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (!storeName.equals(NewsflowTopology.FINGERPRINT_STORE) && !storeName.equals(NewsflowTopology.REGISTRATION_STORE)) {
            return;
        }
        options.setMemtablePrefixBloomSizeRatio(0.05);
        options.setMemtableWholeKeyFiltering(true);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash);
        table.setDataBlockHashTableUtilRatio(0.75);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // nothing allocated here: the table config's cache and filter belong to Kafka Streams
    }
}
