package io.kwhisk.common.code;

import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads code stored out of line ({@link CodeRef}) back from {@value Topics#CODE}. One consumer,
 * assigned the topic's partition (no group, nothing committed), owned by one thread of its own:
 * reads queue and run one at a time, each seeking to its chunks' offsets, so no caller's thread
 * ever blocks on Kafka. Only cold paths read code (a container's {@code /init}, a {@code GET} of
 * the action), never an activation. Thread-safe.
 */
public final class CodeReader implements AutoCloseable {
  /** How long one read may take before it fails: 48 MB over a loaded broker is a few seconds. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final TopicPartition PARTITION = new TopicPartition(Topics.CODE, 0);

  private final KafkaSettings kafka;
  private final String clientId;
  private final ExecutorService thread;

  /** Created on the reader's thread at its first read, used only there. */
  private KafkaConsumer<String, byte[]> consumer;

  public CodeReader(KafkaSettings kafka, String clientId) {
    this.kafka = Objects.requireNonNull(kafka, "kafka should not be null");
    this.clientId = Objects.requireNonNull(clientId, "clientId should not be null");
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, clientId);
              t.setDaemon(true);
              return t;
            });
  }

  /** The code {@code ref} names; fails with {@link CodeUnavailableException}. */
  public CompletableFuture<String> read(CodeRef ref) {
    Objects.requireNonNull(ref, "ref should not be null");
    CompletableFuture<String> out = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              out.complete(CodeChunks.join(ref, chunks(ref)));
            } catch (RuntimeException e) {
              if (e instanceof KafkaException) closeConsumer(); // a fresh one for the next read
              out.completeExceptionally(
                  e instanceof CodeUnavailableException
                      ? e
                      : new CodeUnavailableException(
                          "code " + ref.digest() + " could not be read: " + e, e));
            }
          });
    } catch (RejectedExecutionException e) {
      out.completeExceptionally(new CodeUnavailableException("the code reader is closed", e));
    }
    return out;
  }

  /**
   * The chunks at the reference's offsets, in chunk order. They are read in offset order (an
   * upload's chunks are sent concurrently, so their offsets need not follow their order); records
   * in between (other uploads) are skipped, and the consumer seeks over a gap. A chunk whose offset
   * is passed without being seen was compacted away.
   */
  private List<byte[]> chunks(CodeRef ref) {
    KafkaConsumer<String, byte[]> c = consumer();
    TreeMap<Long, Integer> byOffset = new TreeMap<>();
    for (int i = 0; i < ref.offsets().size(); i++) byOffset.put(ref.offsets().get(i), i);
    if (byOffset.size() != ref.offsets().size()) {
      throw new CodeUnavailableException("code " + ref.digest() + " names an offset twice");
    }
    byte[][] out = new byte[ref.offsets().size()][];
    Map.Entry<Long, Integer> next = byOffset.firstEntry();
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    c.seek(PARTITION, next.getKey());
    while (next != null) {
      if (System.nanoTime() > deadline) {
        throw new CodeUnavailableException(
            "code "
                + ref.digest()
                + ": not read in "
                + READ_TIMEOUT.toSeconds()
                + " s (waiting for offset "
                + next.getKey()
                + ")");
      }
      for (ConsumerRecord<String, byte[]> r : c.poll(POLL).records(PARTITION)) {
        long wanted = next.getKey();
        int index = next.getValue();
        if (r.offset() < wanted) continue;
        if (r.offset() > wanted
            || r.value() == null
            || !CodeChunks.key(ref, index).equals(r.key())) {
          throw new CodeUnavailableException(
              "code "
                  + ref.digest()
                  + ": chunk "
                  + index
                  + " at offset "
                  + wanted
                  + " is gone (its action was updated or deleted)");
        }
        out[index] = r.value();
        next = byOffset.higherEntry(wanted);
        if (next == null) break;
        if (next.getKey() != r.offset() + 1) {
          c.seek(PARTITION, next.getKey());
          break;
        }
      }
    }
    return Arrays.asList(out);
  }

  private KafkaConsumer<String, byte[]> consumer() {
    if (consumer == null) {
      Map<String, Object> props = kafka.clientConfig(clientId);
      props.put("enable.auto.commit", false);
      props.put("auto.offset.reset", "earliest");
      props.put("fetch.max.wait.ms", 100);
      // Many chunks per fetch: a 48 MB code in a few round trips instead of one per chunk.
      props.put("max.partition.fetch.bytes", 16 * 1024 * 1024);
      props.put("fetch.max.bytes", 64 * 1024 * 1024);
      consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      consumer.assign(List.of(PARTITION));
    }
    return consumer;
  }

  private void closeConsumer() {
    if (consumer == null) return;
    try {
      consumer.close(Duration.ofSeconds(1));
    } catch (RuntimeException ignored) {
      // closing a consumer that already failed: nothing left to release
    }
    consumer = null;
  }

  /** Reads already queued still run; then the consumer closes and later reads fail. */
  @Override
  public void close() {
    thread.execute(this::closeConsumer);
    thread.shutdown();
  }
}
