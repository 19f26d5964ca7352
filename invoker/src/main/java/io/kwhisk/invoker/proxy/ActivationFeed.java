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
 * A member of an action's share group ({@link Topics#actionGroup}) on its own thread, which alone touches the
 * {@link KafkaShareConsumer}. Other threads hand it acknowledgements through a queue and stop it with a flag plus
 * {@code wakeup()}.
 *
 * <p>Delivery contract: explicit acknowledgement, {@code record_limit} acquisition of at most
 * {@code maxPollRecords}. Every record of a poll is acknowledged (ACCEPT after its completion was published,
 * RELEASE when refused, REJECT when it is not an activation) before the next poll, which carries the
 * acknowledgements to the broker. On close, given acknowledgements are committed and the rest are released by the
 * broker for redelivery: nothing pulled is lost.
 *
 * <p>Values are read as bytes and decoded here, not by a Kafka deserializer, so that one malformed record is
 * rejected on its own instead of failing the poll.
 */
public final class ActivationFeed implements ActivationSource {
  private static final Logger log = LoggerFactory.getLogger(ActivationFeed.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration CLOSE = Duration.ofSeconds(5);

  private record Ack(Delivery delivery, AcknowledgeType type) {}

  private final int lane;
  private final String topic;
  private final Map<String, Object> props;
  private final Consumer<List<Delivery>> onRecords;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile KafkaShareConsumer<String, byte[]> consumer;

  private ActivationFeed(
      int lane, String topic, Map<String, Object> props, String name, Consumer<List<Delivery>> onRecords,
      Consumer<Throwable> onFailure) {
    this.lane = lane;
    this.topic = topic;
    this.props = props;
    this.onRecords = onRecords;
    this.onFailure = onFailure;
    this.thread = new Thread(this::run, "kwhisk-feed-" + name);
    this.thread.setDaemon(true);
  }

  /** A factory of feeds on the Kafka cluster of {@code kafka}. */
  public static ActivationSource.Factory factory(KafkaSettings kafka) {
    return (action, name, lanes, maxPollRecords, onRecords, onFailure) -> {
      List<ActivationFeed> feeds = new ArrayList<>(lanes);
      for (int lane = 0; lane < lanes; lane++) {
        String laneName = lanes == 1 ? name : name + "-" + lane;
        feeds.add(new ActivationFeed(lane, Topics.actionTopic(action),
            properties(kafka, action, laneName, maxPollRecords), laneName, onRecords, onFailure));
      }
      feeds.forEach(f -> f.thread.start());
      return feeds.size() == 1 ? feeds.get(0) : new Lanes(feeds);
    };
  }

  /** Several feeds of one container; an acknowledgement goes to the lane that pulled the record. */
  private record Lanes(List<ActivationFeed> feeds) implements ActivationSource {
    @Override
    public void acknowledge(Delivery delivery) {
      feeds.get(delivery.lane()).acknowledge(delivery);
    }

    @Override
    public void release(Delivery delivery) {
      feeds.get(delivery.lane()).release(delivery);
    }

    @Override
    public void close() {
      feeds.forEach(ActivationFeed::close);
    }
  }

  static Map<String, Object> properties(KafkaSettings kafka, FullyQualifiedName action, String name, int maxPoll) {
    Map<String, Object> props = kafka.clientConfig(name);
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

  @Override
  public void close() {
    stopping = true;
    KafkaShareConsumer<String, byte[]> c = consumer;
    if (c != null) c.wakeup();
  }

  private void run() {
    try {
      consumer = new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(topic));
      Map<String, ConsumerRecord<String, byte[]>> outstanding = new HashMap<>();
      boolean unsent = false;
      while (!stopping) {
        unsent |= awaitAcks(outstanding);
        if (stopping || !outstanding.isEmpty()) continue;
        ConsumerRecords<String, byte[]> records;
        try {
          records = consumer.poll(POLL);
          unsent = false;
        } catch (WakeupException e) {
          continue;
        }
        List<Delivery> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> r : records) {
          Delivery d = decode(r);
          if (d == null) {
            consumer.acknowledge(r, AcknowledgeType.REJECT);
          } else {
            outstanding.put(key(r.partition(), r.offset()), r);
            batch.add(d);
          }
        }
        if (!batch.isEmpty()) onRecords.accept(batch);
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

  /** Waits until every outstanding record is acknowledged or the feed stops; true if it applied any. */
  private boolean awaitAcks(Map<String, ConsumerRecord<String, byte[]>> outstanding) {
    boolean applied = applyAcks(outstanding);
    while (!outstanding.isEmpty() && !stopping) {
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

  private boolean applyAcks(Map<String, ConsumerRecord<String, byte[]>> outstanding) {
    boolean applied = false;
    for (Ack ack; (ack = acks.poll()) != null; ) {
      apply(ack, outstanding);
      applied = true;
    }
    return applied;
  }

  private void apply(Ack ack, Map<String, ConsumerRecord<String, byte[]>> outstanding) {
    Delivery d = ack.delivery();
    // acknowledge(topic, partition, offset) is only for records that failed deserialization: use the record.
    ConsumerRecord<String, byte[]> r = outstanding.remove(key(d.partition(), d.offset()));
    if (r != null) consumer.acknowledge(r, ack.type());
  }

  private static String key(int partition, long offset) {
    return partition + ":" + offset;
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
      log.warn("Rejecting record {} of {} that is not an activation: {}", r.offset(), topic, e.getMessage());
      return null;
    }
  }
}
