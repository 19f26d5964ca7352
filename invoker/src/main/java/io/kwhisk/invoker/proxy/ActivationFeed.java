package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of an action's share group ({@link Topics#actionGroup}) on its own thread, which alone
 * touches the {@link KafkaShareConsumer}. Other threads hand it acknowledgements through a queue
 * and stop it with a flag plus {@code wakeup()}.
 *
 * <p>Delivery contract: explicit acknowledgement, {@code record_limit} acquisition of at most
 * {@code maxPollRecords}. Every record of a poll is acknowledged (ACCEPT after its completion was
 * published, RELEASE when refused, REJECT when it is not an activation) before the next poll, which
 * carries the acknowledgements to the broker. On close, given acknowledgements are committed and
 * the rest are released by the broker for redelivery: nothing pulled is lost.
 *
 * <p>Each poll that acquires a record counts one delivery of it, whether the record is then
 * accepted, released, or released by the consumer's close (Kafka 4.4 does not give the count back),
 * and a released record is the first the next poll acquires again. So a feed whose container takes
 * no more work stops pulling ({@link #stopPulling}) rather than acquire and release the same record
 * until its deliveries are used up; it still acknowledges, releases and renews what it holds, and
 * commits its acknowledgements at once instead of on the next poll.
 *
 * <p>Long activations: a record stays acquired for the group's lock duration ({@code
 * share.record.lock.duration.ms}, 30 s by default), after which the broker would hand it to another
 * container while it still runs here. So once a record has been held for half the lock duration the
 * feed renews every record it holds ({@code RENEW}, KIP-1222) with a poll that fetches nothing new,
 * and does so again each half lock duration until they are acknowledged; the same polls keep the
 * consumer within {@code max.poll.interval.ms}. Acknowledgements given while a renewal is on the
 * wire wait until the renewed records are back. A renewal the broker refuses ends that delivery
 * here (the record is redelivered; its late acknowledgement is dropped).
 *
 * <p>Values are read as bytes and decoded here, not by a Kafka deserializer, so that one malformed
 * record is rejected on its own instead of failing the poll.
 */
public final class ActivationFeed implements ActivationSource {
  private static final Logger log = LoggerFactory.getLogger(ActivationFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration CLOSE = Duration.ofSeconds(5);

  private record Ack(Delivery delivery, AcknowledgeType type) {}

  /** How long to wait for renewed records to come back before giving their deliveries up. */
  private static final Duration RENEWAL_WAIT = Duration.ofSeconds(5);

  private static final int DEFAULT_LOCK_MS = 30_000;

  private final int lane;
  private final String topic;
  private final Map<String, Object> props;
  private final Consumer<List<Delivery>> onRecords;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile boolean pulling = true;
  private volatile KafkaShareConsumer<String, byte[]> consumer;

  /** The batch size of the current consumer; touched by the feed's thread only. */
  private int maxPoll;

  /**
   * The batch size {@link #resize} asked for; the thread re-opens its consumer when it differs from
   * maxPoll.
   */
  private volatile int wantedMaxPoll;

  private ActivationFeed(
      int lane,
      String topic,
      Map<String, Object> props,
      String name,
      Consumer<List<Delivery>> onRecords,
      Consumer<Throwable> onFailure) {
    this.lane = lane;
    this.topic = topic;
    this.props = props;
    this.onRecords = onRecords;
    this.onFailure = onFailure;
    this.maxPoll = (Integer) props.get("max.poll.records");
    this.wantedMaxPoll = maxPoll;
    this.thread = new Thread(this::run, "kwhisk-feed-" + name);
    this.thread.setDaemon(true);
  }

  /** A factory of feeds on the Kafka cluster of {@code kafka}. */
  public static ActivationSource.Factory factory(KafkaSettings kafka) {
    return (action, name, lanes, maxPollRecords, onRecords, onFailure) -> {
      List<ActivationFeed> feeds = new ArrayList<>(lanes);
      for (int lane = 0; lane < lanes; lane++) {
        String laneName = lanes == 1 ? name : name + "-" + lane;
        feeds.add(
            new ActivationFeed(
                lane,
                Topics.actionTopic(action),
                properties(kafka, action, laneName, maxPollRecords),
                laneName,
                onRecords,
                onFailure));
      }
      feeds.forEach(f -> f.thread.start());
      return feeds.size() == 1 ? feeds.get(0) : new FeedLanes(feeds);
    };
  }

  /**
   * A feed's consumer properties. Unless {@code kwhisk.kafka.client.*} sets them, the consumer
   * neither registers JMX metric reporters nor pushes client metrics to the broker (KIP-714): each
   * container has its own consumer, and a push subscription costs each of them requests (one to ask
   * for the subscription before its first fetch, then one per push interval).
   */
  static Map<String, Object> properties(
      KafkaSettings kafka, FullyQualifiedName action, String name, int maxPoll) {
    Map<String, Object> props = new HashMap<>();
    props.put("metric.reporters", "");
    props.put("enable.metrics.push", false);
    props.putAll(kafka.clientConfig(name));
    props.put("group.id", Topics.actionGroup(action));
    props.put("share.acknowledgement.mode", "explicit");
    props.put("share.acquire.mode", "record_limit");
    props.put("max.poll.records", maxPoll);
    return props;
  }

  @Override
  public void acknowledge(Delivery delivery) {
    acks.add(new Ack(delivery, AcknowledgeType.ACCEPT));
  }

  @Override
  public void release(Delivery delivery) {
    acks.add(new Ack(delivery, AcknowledgeType.RELEASE));
  }

  /**
   * Applied by the feed's thread before its next poll, once nothing is held: the consumer's
   * acknowledgements are committed as it closes, and a consumer with the new size joins the group
   * again (~30 ms on an existing group).
   */
  @Override
  public void resize(int maxPollRecords) {
    if (maxPollRecords < 1) {
      throw new IllegalArgumentException(
          "maxPollRecords must be at least 1, got " + maxPollRecords);
    }
    wantedMaxPoll = maxPollRecords;
  }

  /**
   * Applied by the feed's thread: a poll already under way still hands its records over (the proxy
   * releases them), no later one is made.
   */
  @Override
  public void stopPulling() {
    pulling = false;
  }

  @Override
  public void close() {
    stopping = true;
    KafkaShareConsumer<String, byte[]> c = consumer;
    if (c != null) c.wakeup();
  }

  private void run() {
    try {
      subscribe();
      HeldRecords<byte[]> outstanding = new HeldRecords<>();
      boolean unsent = false;
      while (!stopping) {
        unsent |= awaitAcks(outstanding);
        if (stopping || !outstanding.isEmpty()) continue;
        if (!pulling) {
          if (unsent) commit();
          unsent = false;
          idle();
          continue;
        }
        if (wantedMaxPoll != maxPoll) {
          reopen();
          unsent = false;
          continue;
        }
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(POLL);
          unsent = false;
        } catch (WakeupException e) {
          continue;
        }
        deliver(records, outstanding);
      }
      unsent |= applyAcks(outstanding);
      if (unsent) commit();
    } catch (RuntimeException | Error e) {
      if (stopping) {
        log.warn("Activation feed of {} failed while closing: {}", topic, e.toString());
      } else {
        log.warn("Activation feed of {} failed: {}", topic, e.toString());
        onFailure.accept(e);
      }
    } finally {
      KafkaShareConsumer<String, byte[]> c = consumer;
      if (c != null) {
        try {
          c.close(CLOSE);
        } catch (RuntimeException e) {
          log.debug("Closing the share consumer of {} failed: {}", topic, e.toString());
        }
      }
    }
  }

  private void subscribe() {
    consumer =
        new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
  }

  /**
   * Leaves the group with the current batch size (closing commits the acknowledgements given) and
   * joins it again with the wanted one. Nothing is held at this point, so no record is released.
   */
  private void reopen() {
    int from = maxPoll;
    int to = wantedMaxPoll;
    KafkaShareConsumer<String, byte[]> old = consumer;
    try {
      old.close(CLOSE);
    } catch (WakeupException e) {
      if (stopping) return;
      old.close(CLOSE);
    }
    props.put("max.poll.records", to);
    maxPoll = to;
    if (stopping) return;
    subscribe();
    log.info("Activation feed of {} now pulls up to {} records per poll (was {})", topic, to, from);
  }

  /**
   * Hands the new records of a poll to the proxy; records this feed already holds (renewed ones)
   * are not new.
   */
  private void deliver(ConsumerRecords<String, byte[]> records, HeldRecords<byte[]> outstanding) {
    long now = System.nanoTime();
    List<Delivery> batch = new ArrayList<>(records.count());
    for (ConsumerRecord<String, byte[]> r : records) {
      if (outstanding.holds(r.partition(), r.offset())) {
        outstanding.hold(r, now); // renewed
        continue;
      }
      Delivery d = decode(r);
      if (d == null) {
        consumer.acknowledge(r, AcknowledgeType.REJECT);
      } else {
        outstanding.hold(r, now);
        batch.add(d);
      }
    }
    if (!batch.isEmpty()) onRecords.accept(batch);
  }

  /**
   * Waits until every outstanding record is acknowledged or the feed stops; true if it applied any.
   */
  private boolean awaitAcks(HeldRecords<byte[]> outstanding) {
    boolean applied = applyAcks(outstanding);
    while (!outstanding.isEmpty() && !stopping) {
      if (renewalDue(outstanding)) renew(outstanding);
      try {
        Ack ack = acks.poll(100, TimeUnit.MILLISECONDS);
        if (ack != null) {
          apply(ack, outstanding);
          applied = true;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
      applied |= applyAcks(outstanding);
    }
    return applied;
  }

  /**
   * Waits a little without polling: the feed holds nothing and pulls no more, so it only waits to
   * be closed.
   */
  private void idle() {
    try {
      Ack ack = acks.poll(100, TimeUnit.MILLISECONDS);
      if (ack != null) {
        log.debug(
            "Dropping the acknowledgement of record {} of {}: the feed no longer holds it",
            ack.delivery().offset(),
            topic);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  private boolean renewalDue(HeldRecords<byte[]> outstanding) {
    long halfLockNanos =
        TimeUnit.MILLISECONDS.toNanos(consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MS))
            / 2;
    return outstanding.renewalDue(System.nanoTime(), halfLockNanos);
  }

  /**
   * Renews the lock of every held record: a poll carrying RENEW for each fetches nothing new and
   * returns them again once the broker renewed them. Acknowledgements queued meanwhile are applied
   * by the caller afterwards.
   */
  private void renew(HeldRecords<byte[]> outstanding) {
    for (var r : outstanding.records()) consumer.acknowledge(r, AcknowledgeType.RENEW);
    long deadline = System.nanoTime() + RENEWAL_WAIT.toNanos();
    ConsumerRecords<String, byte[]> back = ConsumerRecords.empty();
    while (back.isEmpty() && !stopping && System.nanoTime() < deadline) {
      try {
        back = consumer.poll(Duration.ofMillis(100));
      } catch (WakeupException e) {
        return;
      }
    }
    deliver(back, outstanding);
    if (stopping) return;
    for (String key : outstanding.dropAllBut(back)) {
      log.warn(
          "The broker did not renew the lock of record {} of {}; it will deliver it again",
          key,
          topic);
    }
    log.debug("Renewed the locks of {} record(s) of {}", outstanding.size(), topic);
  }

  private boolean applyAcks(HeldRecords<byte[]> outstanding) {
    boolean applied = false;
    for (Ack ack; (ack = acks.poll()) != null; ) {
      apply(ack, outstanding);
      applied = true;
    }
    return applied;
  }

  private void apply(Ack ack, HeldRecords<byte[]> outstanding) {
    Delivery d = ack.delivery();
    // acknowledge(topic, partition, offset) is only for records that failed deserialization: use
    // the record.
    ConsumerRecord<String, byte[]> r = outstanding.take(d.partition(), d.offset());
    if (r != null) consumer.acknowledge(r, ack.type());
  }

  private void commit() {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        consumer.commitSync(CLOSE);
        return;
      } catch (WakeupException e) {
        // close() woke the consumer; the wakeup is consumed now, so try again.
      }
    }
  }

  private Delivery decode(ConsumerRecord<String, byte[]> r) {
    try {
      ActivationMessage m = Json.decode(r.value(), ActivationMessage.class);
      int count = r.deliveryCount().map(Short::intValue).orElse(1);
      return new Delivery(lane, r.topic(), r.partition(), r.offset(), count, m);
    } catch (RuntimeException e) {
      log.warn(
          "Rejecting record {} of {} that is not an activation: {}",
          r.offset(),
          topic,
          e.getMessage());
      return null;
    }
  }
}
