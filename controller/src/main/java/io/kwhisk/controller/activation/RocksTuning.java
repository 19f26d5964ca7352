package io.kwhisk.controller.activation;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * The RocksDB options of the activation store and the native objects they hold (block cache, bloom
 * filter, write-buffer manager), with why each value was chosen. The cache also accounts for the
 * write buffers, so the store's memory is bounded by {@link ActivationStoreSettings#cacheBytes()}.
 * Closed after the database that uses them: the other order crashes the JVM.
 */
final class RocksTuning implements AutoCloseable {
  /**
   * The block cache in two shards. RocksDB's default splits a 32 MB cache into 64 shards of 512 kB,
   * smaller than one SST file's filter block (one per file, ~10 bits per key), so the filter that
   * the check "is this id stored already?" reads before every put was evicted by the next insert
   * into its shard and read back from disk, checksummed, on every record: 0.25 ms of a 2.7 ms
   * activation (async-profiler, 1 action x 10 users). One writer thread and a few API readers need
   * no more shards than this. Measured with {@code ActivationStoreBenchmark}, 60 s runs side by
   * side: 6,300-6,360 records per CPU-second with the defaults, 9,530-11,124 with two shards and
   * {@link #HIGH_PRIORITY_SHARE} (8,794 with two shards alone, 7,059 with the share alone).
   */
  static final int CACHE_SHARD_BITS = 1;

  /**
   * The share of the cache kept for index and filter blocks (cached with high priority), so data
   * blocks read by GETs and lists do not push them out.
   */
  static final double HIGH_PRIORITY_SHARE = 0.5;

  final Options options;
  private final Cache cache;
  private final BloomFilter bloom;
  private final WriteBufferManager buffers;

  RocksTuning(ActivationStoreSettings settings) {
    this.cache = new LRUCache(settings.cacheBytes(), CACHE_SHARD_BITS, false, HIGH_PRIORITY_SHARE);
    this.bloom = new BloomFilter(10);
    this.buffers = new WriteBufferManager(settings.writeBufferBytes() * 2, cache);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setFilterPolicy(bloom)
            .setCacheIndexAndFilterBlocks(true)
            .setCacheIndexAndFilterBlocksWithHighPriority(true)
            .setPinL0FilterAndIndexBlocksInCache(true)
            .setBlockSize(16 * 1024);
    this.options =
        new Options()
            .setCreateIfMissing(true)
            .setTableFormatConfig(table)
            .setWriteBufferManager(buffers)
            .setWriteBufferSize(settings.writeBufferBytes())
            .setMaxWriteBufferNumber(2)
            .setCompressionType(CompressionType.LZ4_COMPRESSION)
            .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
            .setMaxBackgroundJobs(2)
            .setMaxOpenFiles(512)
            .setKeepLogFileNum(3);
  }

  @Override
  public void close() {
    options.close();
    buffers.close();
    bloom.close();
    cache.close();
  }
}
