package io.kwhisk.common.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Sends records through one {@link KafkaProducer} without ever blocking callers that must not block
 * (actors, HTTP handlers). {@code KafkaProducer.send} blocks in two cases, each up to {@code
 * max.block.ms}: while it fetches the metadata of a topic it has no metadata for (a topic never
 * written to, or not written to for {@code metadata.max.idle.ms}, 5 minutes by default), and while
 * its buffer ({@code buffer.memory}) is full, that is when Kafka is slow or unreachable. So a send
 * runs on the caller's thread (which saves a thread hand-off on every activation) only when its
 * topic was written to within the last {@link #FRESH} and less than half the buffer is taken by
 * records not yet acknowledged; any other send goes to one of {@link #LANES} owned threads, chosen
 * by its topic, which may block. A first send to each of 50 new actions' topics, queued on one
 * owned thread, waited for one metadata fetch after the other (the controller's creation commands
 * of a burst of 50 new actions spread over 3 s, against 0.3 s in the hash mode, which sends to one
 * topic); on lanes the fetches of different topics overlap, and the producer asks for the metadata
 * of every topic waiting at once. Records not yet acknowledged, queued ones included, never take
 * more than twice the buffer: a send beyond that fails at once with a {@link
 * BufferExhaustedException}, so memory stays bounded while Kafka is away and the caller decides
 * (the controller answers 503, an invoker releases the record for redelivery).
 *
 * <p>The returned future completes when the broker acknowledged the record, or failed to. Records
 * of one caller to one topic keep their order while they take the same path. Thread-safe.
 */
public final class RecordSender implements AutoCloseable {
  /** Kafka's default {@code buffer.memory}. */
  public static final long DEFAULT_BUFFER_BYTES = 32L * 1024 * 1024;

  /** How recently a topic must have been written to for its metadata to be certainly cached. */
  static final Duration FRESH = Duration.ofSeconds(60);

  /**
   * Threads for sends that may block, each owning the topics that hash to it: a topic's records
   * keep their order, and different topics' metadata fetches overlap.
   */
  public static final int LANES = 8;

  /**
   * What a record costs in the producer's buffer beyond its key and value (headers, batch framing):
   * an estimate.
   */
  private static final int RECORD_OVERHEAD = 128;

  private final KafkaProducer<String, byte[]> producer;
  private final ExecutorService[] slowSends = new ExecutorService[LANES];
  private final long bufferBytes;

  /** Bytes of records taken and not yet acknowledged or failed, queued ones included. */
  private final AtomicLong pending = new AtomicLong();

  /** When each topic was last taken by the producer (nanoTime): its metadata is cached. */
  private final Map<String, Long> lastSent = new ConcurrentHashMap<>();

  /**
   * The producer's meters in its service's registry, once {@link #withMeters} bound them; closed
   * with it.
   */
  private volatile KafkaClientMetrics meters;

  public RecordSender(KafkaProducer<String, byte[]> producer, String threadName) {
    this(producer, threadName, DEFAULT_BUFFER_BYTES);
  }

  /**
   * @param bufferBytes the producer's {@code buffer.memory}
   */
  public RecordSender(KafkaProducer<String, byte[]> producer, String threadName, long bufferBytes) {
    this.producer = Objects.requireNonNull(producer, "producer should not be null");
    if (bufferBytes <= 0)
      throw new IllegalArgumentException("bufferBytes must be positive, got " + bufferBytes);
    this.bufferBytes = bufferBytes;
    for (int i = 0; i < LANES; i++) {
      String name = threadName + "-" + i;
      slowSends[i] =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
              });
    }
  }

  /**
   * Binds the producer's own metrics to {@code registry} until this sender is closed: Micrometer's
   * Kafka binder, one per producer, under {@code kafka.producer.*} tagged with the producer's
   * {@code client.id} (record rates, request latency, buffer use, errors). Call once, at start-up.
   */
  public RecordSender withMeters(MeterRegistry registry) {
    if (meters != null) throw new IllegalStateException("the producer's meters are bound already");
    KafkaClientMetrics bound = new KafkaClientMetrics(producer);
    bound.bindTo(registry);
    meters = bound;
    return this;
  }

  /** The producer's {@code buffer.memory} in {@code props}, or Kafka's default. */
  public static long bufferBytes(Map<String, Object> props) {
    Object v = props.get("buffer.memory");
    return v == null ? DEFAULT_BUFFER_BYTES : Long.parseLong(String.valueOf(v).trim());
  }

  public CompletableFuture<RecordMetadata> send(String topic, String key, byte[] value) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    long size =
        (value == null ? 0L : value.length) + (key == null ? 0 : key.length()) + RECORD_OVERHEAD;
    long taken = pending.addAndGet(size);
    if (taken > 2 * bufferBytes) {
      pending.addAndGet(-size);
      acked.completeExceptionally(
          new BufferExhaustedException(
              "the producer's buffer is full ("
                  + taken
                  + " bytes not yet acknowledged); Kafka is slow or unreachable"));
      return acked;
    }
    acked.whenComplete((m, e) -> pending.addAndGet(-size));
    if (fresh(topic) && taken <= bufferBytes / 2) {
      sendNow(topic, key, value, acked);
      return acked;
    }
    try {
      lane(topic).execute(new SlowSend(() -> sendNow(topic, key, value, acked), acked));
    } catch (RuntimeException rejected) {
      acked.completeExceptionally(rejected);
    }
    return acked;
  }

  private ExecutorService lane(String topic) {
    return slowSends[Math.floorMod(topic.hashCode(), LANES)];
  }

  /**
   * Fetches {@code topic}'s metadata on its lane, unless a send took it recently, so that the first
   * send to a new topic (a new action's first activation) does not wait for it. Never blocks the
   * caller; a failure is left to the first send, which fetches again.
   */
  public void warm(String topic) {
    if (fresh(topic)) return;
    try {
      lane(topic)
          .execute(
              () -> {
                try {
                  producer.partitionsFor(topic);
                  lastSent.putIfAbsent(topic, System.nanoTime());
                } catch (RuntimeException notYet) {
                  // the first send fetches it again
                }
              });
    } catch (RuntimeException closed) {
      // closing: nothing to warm
    }
  }

  private boolean fresh(String topic) {
    Long last = lastSent.get(topic);
    return last != null && System.nanoTime() - last < FRESH.toNanos();
  }

  /** Hands the record to the producer; once it took it, the topic's metadata is cached. */
  private void sendNow(
      String topic, String key, byte[] value, CompletableFuture<RecordMetadata> acked) {
    try {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, error) -> {
            if (error != null) acked.completeExceptionally(error);
            else acked.complete(metadata);
          });
      long now = System.nanoTime();
      Long last = lastSent.get(topic);
      // Refreshed at most every half FRESH: a busy topic's sends do not all write the shared map.
      if (last == null || now - last > FRESH.toNanos() / 2) lastSent.put(topic, now);
    } catch (RuntimeException e) {
      acked.completeExceptionally(e);
    }
  }

  /** A send queued for the owned thread, with the future its caller holds. */
  private record SlowSend(Runnable send, CompletableFuture<RecordMetadata> acked)
      implements Runnable {
    @Override
    public void run() {
      send.run();
    }
  }

  /**
   * Stops taking slow sends and waits up to {@code timeout} for queued ones; those still queued
   * then (Kafka is away and each would block up to {@code max.block.ms}) fail instead of holding
   * the close, and the producer is closed within {@code timeout}. So a close takes at most twice
   * {@code timeout}.
   */
  public void close(Duration timeout) {
    for (ExecutorService lane : slowSends) lane.shutdown();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      for (ExecutorService lane : slowSends) {
        lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ExecutorService lane : slowSends) {
      for (Runnable unsent : lane.shutdownNow()) {
        if (unsent instanceof SlowSend s) {
          s.acked()
              .completeExceptionally(
                  new KafkaException("the sender closed before this record was sent"));
        }
      }
    }
    if (meters != null) meters.close();
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
