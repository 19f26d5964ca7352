package io.kwhisk.controller.activation;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activation records on disk, in an embedded RocksDB ({@link ActivationKeys} has the layout):
 * one copy per controller, durable across restarts, off the heap. The block cache (which also holds
 * the write buffers) has a fixed size, so the store's memory stays bounded whatever it holds.
 *
 * <p>First record wins, and resume is exactly-once: {@link #put} writes a record only if its id is
 * absent, together with the position its follower reached, in one {@link WriteBatch}; a restarted
 * follower resumes at that position ({@link #resumeAt}), and a duplicate arriving at any later time
 * (within retention) finds the id and is dropped.
 *
 * <p>Retention: a thread of the store's own deletes, every {@link #sweepPeriod}, the records that
 * ended more than {@code retention} ago (the {@code e} keys up to the cut-off, by {@code
 * deleteRange}, and the keys each names). A record put that already ended beyond retention is not
 * kept (its position is).
 *
 * <p>Its RocksDB options, and why: {@link RocksTuning}.
 *
 * <p>Threads: puts are serialised (the check for the id and the write are one step); reads run
 * concurrently; {@link #close()} waits for both and closes the native objects after the database.
 */
public final class RocksActivationStore implements ActivationStore {
  private static final Logger log = LoggerFactory.getLogger(RocksActivationStore.class);

  /** How many expired records one sweep step deletes in a batch (under the write lock). */
  static final int SWEEP_BATCH = 1000;

  private final RocksDB db;
  private final RocksTuning tuning;
  private final WriteOptions writeOptions = new WriteOptions();
  private final Duration retention;
  private final Clock clock;
  private final ScheduledExecutorService sweeper;
  private final Object writer = new Object();
  private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();
  private final AtomicLong stored = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private boolean closed;

  static {
    RocksDB.loadLibrary();
  }

  private RocksActivationStore(ActivationStoreSettings settings, Clock clock, boolean sweep) {
    this.retention = settings.retention();
    this.clock = clock;
    this.tuning = new RocksTuning(settings);
    try {
      Files.createDirectories(settings.path());
      this.db = RocksDB.open(tuning.options, settings.path().toString());
    } catch (Exception e) {
      writeOptions.close();
      tuning.close();
      throw new IllegalStateException(
          "cannot open the activation store at "
              + settings.path()
              + " ("
              + ActivationStoreSettings.PATH
              + "): "
              + e.getMessage(),
          e);
    }
    if (sweep) {
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "activation-store-retention");
                t.setDaemon(true);
                return t;
              });
      long period = sweepPeriod(retention).toMillis();
      sweeper.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.MILLISECONDS);
    } else {
      this.sweeper = null;
    }
    log.info("activation store opened at {}", settings.path());
  }

  /** Opens (or creates) the store at {@code settings.path()}, sweeping expired records. */
  public static RocksActivationStore open(ActivationStoreSettings settings) {
    return new RocksActivationStore(settings, Clock.systemUTC(), true);
  }

  /** As {@link #open}, on {@code clock}, sweeping only when {@link #sweep()} is called (tests). */
  static RocksActivationStore openUnswept(ActivationStoreSettings settings, Clock clock) {
    return new RocksActivationStore(settings, clock, false);
  }

  /** A quarter of retention, from 1 s to 5 min: a record outlives retention by at most that. */
  static Duration sweepPeriod(Duration retention) {
    Duration quarter = retention.dividedBy(4);
    if (quarter.compareTo(Duration.ofSeconds(1)) < 0) return Duration.ofSeconds(1);
    return quarter.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : quarter;
  }

  @Override
  public boolean put(ActivationRecord record, byte[] message, Position position) {
    open.readLock().lock();
    try {
      ensureOpen();
      synchronized (writer) {
        byte[] key = ActivationKeys.record(record.namespace(), record.activationId());
        boolean keep = record.end() >= cutOff() && !present(key);
        try (WriteBatch batch = new WriteBatch()) {
          if (keep) {
            byte[] value = message != null ? message : Json.encode(syntheticCompletion(record));
            batch.put(key, value);
            long start = record.start();
            byte[] source = ActivationKeys.source(position == null ? null : position.topic());
            batch.put(
                ActivationKeys.listKey(
                    ActivationKeys.listPrefix(record.namespace(), record.name()),
                    start,
                    record.activationId()),
                source);
            batch.put(
                ActivationKeys.listKey(
                    ActivationKeys.listPrefix(record.namespace(), null),
                    start,
                    record.activationId()),
                source);
            batch.put(
                ActivationKeys.byEnd(record.end(), record.activationId()),
                ActivationKeys.byEndValue(start, record.namespace(), record.name()));
          }
          if (position != null) {
            batch.put(
                ActivationKeys.offset(position.topic(), position.partition()),
                ActivationKeys.longValue(position.next()));
          }
          if (batch.count() > 0) db.write(writeOptions, batch);
        }
        (keep ? stored : dropped).incrementAndGet();
        return keep;
      }
    } catch (RocksDBException e) {
      throw new IllegalStateException("writing the activation store failed: " + e.getMessage(), e);
    } finally {
      open.readLock().unlock();
    }
  }

  /** A record put without its Kafka bytes (tests, embedding) is kept as a completion of its own. */
  private static CompletionMessage syntheticCompletion(ActivationRecord record) {
    return new CompletionMessage(record.activationId(), ErrorRecords.NO_INVOKER, null, record);
  }

  private boolean present(byte[] key) throws RocksDBException {
    if (!db.keyMayExist(key, null)) return false;
    return db.get(key) != null;
  }

  @Override
  public Optional<ActivationRecord> get(String namespace, String activationId) {
    open.readLock().lock();
    try {
      ensureOpen();
      byte[] value = db.get(ActivationKeys.record(namespace, activationId));
      return Optional.ofNullable(value).map(RocksActivationStore::decode);
    } catch (RocksDBException e) {
      throw new IllegalStateException("reading the activation store failed: " + e.getMessage(), e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public List<ActivationRecord> list(
      String namespace, String name, long since, long upto, int skip, int limit) {
    open.readLock().lock();
    try {
      ensureOpen();
      List<byte[]> keys = new ArrayList<>();
      scan(
          namespace,
          name,
          since,
          upto,
          (prefix, key, it) -> {
            if (keys.size() >= (long) skip + limit) return false;
            keys.add(ActivationKeys.record(namespace, ActivationKeys.listId(prefix, key)));
            return true;
          });
      List<byte[]> page = keys.subList(Math.min(skip, keys.size()), keys.size());
      if (page.isEmpty()) return List.of();
      List<ActivationRecord> out = new ArrayList<>(page.size());
      for (byte[] value : db.multiGetAsList(page)) {
        if (value != null) out.add(decode(value)); // swept between the scan and the read
      }
      return out;
    } catch (RocksDBException e) {
      throw new IllegalStateException("reading the activation store failed: " + e.getMessage(), e);
    } finally {
      open.readLock().unlock();
    }
  }

  @Override
  public long count(String namespace, String name, long since, long upto) {
    return count(namespace, name, since, upto, topic -> true);
  }

  @Override
  public long count(
      String namespace, String name, long since, long upto, Predicate<String> counted) {
    open.readLock().lock();
    try {
      ensureOpen();
      long[] n = {0};
      scan(
          namespace,
          name,
          since,
          upto,
          (prefix, key, it) -> {
            String topic = ActivationKeys.sourceOf(it.value());
            if (topic == null || counted.test(topic)) n[0]++;
            return true;
          });
      return n[0];
    } finally {
      open.readLock().unlock();
    }
  }

  private interface KeyVisitor {
    /** Returns false to stop the scan; {@code at} is positioned at {@code key}. */
    boolean visit(byte[] prefix, byte[] key, RocksIterator at);
  }

  /** Visits the list keys of {@code namespace} (or its action {@code name}), newest first. */
  private void scan(String namespace, String name, long since, long upto, KeyVisitor visitor) {
    if (upto < since || upto < 0) return;
    byte[] prefix = ActivationKeys.listPrefix(namespace, name);
    try (Slice bound = new Slice(ActivationKeys.after(prefix));
        ReadOptions read = new ReadOptions().setIterateUpperBound(bound);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(ActivationKeys.listFrom(prefix, upto)); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (ActivationKeys.listStart(prefix, key) < since) return;
        if (!visitor.visit(prefix, key, it)) return;
      }
    }
  }

  @Override
  public OptionalLong resumeAt(String topic, int partition) {
    open.readLock().lock();
    try {
      ensureOpen();
      byte[] v = db.get(ActivationKeys.offset(topic, partition));
      return v == null ? OptionalLong.empty() : OptionalLong.of(ActivationKeys.longOf(v));
    } catch (RocksDBException e) {
      throw new IllegalStateException("reading the activation store failed: " + e.getMessage(), e);
    } finally {
      open.readLock().unlock();
    }
  }

  /** Without a stored position a follower reads all the topic retains: a full copy. */
  @Override
  public long history() {
    return Long.MAX_VALUE;
  }

  @Override
  public long stored() {
    return stored.get();
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  /** Records deleted by retention since the store opened. */
  public long expired() {
    return expired.get();
  }

  /** Records that ended before this are beyond retention. */
  private long cutOff() {
    return clock.millis() - retention.toMillis();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("deleting expired activation records failed: {}", e.toString());
    }
  }

  /**
   * Deletes the records that ended before the retention cut-off, {@link #SWEEP_BATCH} at a time;
   * returns how many.
   */
  long sweep() {
    long total = 0;
    while (true) {
      int n = sweepBatch(cutOff());
      total += n;
      if (n < SWEEP_BATCH) break;
    }
    if (total > 0) {
      expired.addAndGet(total);
      log.info("deleted {} activation records older than {}", total, retention);
    }
    return total;
  }

  private int sweepBatch(long cutOff) {
    open.readLock().lock();
    try {
      if (closed) return 0;
      byte[] from = ActivationKeys.byEndFrom(0);
      byte[] to = ActivationKeys.byEndFrom(cutOff);
      int n = 0;
      byte[] last = null;
      synchronized (writer) {
        try (Slice bound = new Slice(to);
            ReadOptions read = new ReadOptions().setIterateUpperBound(bound);
            RocksIterator it = db.newIterator(read);
            WriteBatch batch = new WriteBatch()) {
          for (it.seek(from); it.isValid() && n < SWEEP_BATCH; it.next()) {
            for (byte[] k : ActivationKeys.named(it.key(), it.value())) batch.delete(k);
            last = it.key();
            n++;
          }
          if (last != null) {
            // The e keys iterated: [first e key, the last one's successor).
            batch.deleteRange(from, ActivationKeys.after(last));
            db.write(writeOptions, batch);
          }
        }
      }
      return n;
    } catch (RocksDBException e) {
      throw new IllegalStateException("sweeping the activation store failed: " + e.getMessage(), e);
    } finally {
      open.readLock().unlock();
    }
  }

  /** Disk used by the store's files (SST and WAL), as RocksDB estimates it. */
  public long diskBytes() {
    open.readLock().lock();
    try {
      ensureOpen();
      return db.getLongProperty("rocksdb.total-sst-files-size")
          + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
    } catch (RocksDBException e) {
      return -1;
    } finally {
      open.readLock().unlock();
    }
  }

  private static ActivationRecord decode(byte[] value) {
    return Json.decode(value, CompletionMessage.class).record();
  }

  private void ensureOpen() {
    if (closed) throw new IllegalStateException("the activation store is closed");
  }

  /**
   * Stops the sweeper, waits for reads and writes in progress, then closes the database before the
   * objects it uses (cache, filter, options): the other order crashes the JVM.
   */
  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
      try {
        sweeper.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    open.writeLock().lock();
    try {
      if (closed) return;
      closed = true;
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        log.warn("syncing the activation store's log failed: {}", e.getMessage());
      }
      db.close();
      writeOptions.close();
      tuning.close();
    } finally {
      open.writeLock().unlock();
    }
  }
}
