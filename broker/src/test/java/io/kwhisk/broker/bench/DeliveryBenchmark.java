package io.kwhisk.broker.bench;

import io.kwhisk.broker.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Delivery microbenchmark behind kwhisk's choice of share groups: the round trip of one activation
 * (controller produces it, a "proxy" consumes it, produces its completion, the controller consumes
 * that) and one proxy's throughput on a backlog, for a classic consumer group and three share-group
 * set-ups. Broker, controller side and proxy all run in this JVM, as in the standalone. Every proxy
 * is at-least-once as the invoker is: a record is acknowledged (share) or committed (classic) only
 * after its completion was acknowledged by the broker, and every record of a poll is acknowledged
 * before the next poll, which carries the acknowledgements.
 *
 * <p>Run (from the repository root; about 60-120 s, most of it the share variant with one record
 * per poll):
 *
 * <pre>
 * ./mvnw -B -o -q -pl broker test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/broker.cp \
 *     -Dmdep.includeScope=test
 * java -cp broker/target/test-classes:broker/target/classes:$(cat /tmp/broker.cp) \
 *     io.kwhisk.broker.bench.DeliveryBenchmark [roundTrips=1000] [backlog=20000] [maxSecondsPerBacklog=10]
 * </pre>
 *
 * <p>Throughput runs stop after {@code maxSecondsPerBacklog} when the backlog is not drained by
 * then (share with one record per poll drains a few hundred per second) and report the rate
 * measured so far.
 */
public final class DeliveryBenchmark {
  private static final int PAYLOAD = 200;

  /** How the proxy consumes. */
  enum Variant {
    CLASSIC("classic group, max.poll.records=500, commitAsync per poll"),
    SHARE_1("share record_limit, max.poll.records=1, explicit ack on next poll"),
    SHARE_10("share record_limit, max.poll.records=10, explicit ack on next poll"),
    SHARE_BATCH("share batch_optimized, explicit ack on next poll");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  private final String bootstrap;
  private final KafkaProducer<byte[], byte[]> producer;

  private DeliveryBenchmark(String bootstrap) {
    this.bootstrap = bootstrap;
    this.producer =
        new KafkaProducer<>(
            producerProps(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public static void main(String[] args) throws Exception {
    int roundTrips = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int backlog = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int maxSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    Path dir = Files.createTempDirectory("kwhisk-delivery-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      DeliveryBenchmark bench = new DeliveryBenchmark(kafka.bootstrapServers());
      // Warms the JIT of clients and broker on both paths, so the first variant measured is not
      // penalised.
      bench.roundTrip(Variant.CLASSIC, 300, "warm-");
      bench.roundTrip(Variant.SHARE_1, 300, "warm-");
      List<String> rows = new ArrayList<>();
      for (Variant v : Variant.values()) {
        double[] rt = bench.roundTrip(v, roundTrips, "");
        double tput = bench.throughput(v, backlog, maxSeconds);
        rows.add(
            String.format(
                "| %s | %.2f | %.2f | %.2f | %.0f |", v.label, rt[0], rt[1], rt[2], tput));
        System.out.println(rows.get(rows.size() - 1));
      }
      System.out.println();
      System.out.println(
          "| proxy variant | round trip p50 ms | p90 ms | p99 ms | one proxy, backlog "
              + backlog
              + ", activations/s |");
      System.out.println("|---|---|---|---|---|");
      rows.forEach(System.out::println);
      bench.producer.close(Duration.ofSeconds(5));
    }
  }

  /** Sequential round trips; returns p50, p90, p99 in milliseconds. */
  double[] roundTrip(Variant v, int count, String prefix) throws Exception {
    String name = prefix + "rt-" + v.name().toLowerCase();
    String actions = name + "-actions";
    String completions = name + "-completed";
    createTopics(name, actions, completions);
    Proxy proxy = new Proxy(v, name, actions, completions);
    proxy.start();
    try (KafkaConsumer<byte[], byte[]> done = completionReader(completions)) {
      int warmup = Math.max(100, count / 5);
      long[] nanos = new long[count];
      for (int i = -warmup; i < count; i++) {
        long began = System.nanoTime();
        producer.send(new ProducerRecord<>(actions, key(i), payload(began)));
        awaitOne(done, i);
        if (i >= 0) nanos[i] = System.nanoTime() - began;
      }
      Arrays.sort(nanos);
      return new double[] {ms(nanos, 0.50), ms(nanos, 0.90), ms(nanos, 0.99)};
    } finally {
      proxy.stop();
    }
  }

  /** One proxy drains a backlog; returns activations per second. */
  double throughput(Variant v, int backlog, int maxSeconds) throws Exception {
    String name = "tp-" + v.name().toLowerCase();
    String actions = name + "-actions";
    String completions = name + "-completed";
    createTopics(name, actions, completions);
    List<CompletableFuture<Void>> sent = new ArrayList<>(backlog);
    for (int i = 0; i < backlog; i++) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      producer.send(new ProducerRecord<>(actions, key(i), payload(0)), (m, e) -> f.complete(null));
      sent.add(f);
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    Proxy proxy = new Proxy(v, name, actions, completions);
    long began = System.nanoTime();
    proxy.start();
    long deadline = began + TimeUnit.SECONDS.toNanos(maxSeconds);
    // The clock starts before the join; wait for the first record so joining is not counted.
    while (proxy.processed.get() == 0 && System.nanoTime() < deadline) Thread.sleep(1);
    long first = System.nanoTime();
    long firstCount = proxy.processed.get();
    while (proxy.processed.get() < backlog && System.nanoTime() < deadline + (first - began))
      Thread.sleep(5);
    long end = System.nanoTime();
    long n = proxy.processed.get() - firstCount;
    proxy.stop();
    return n / ((end - first) / 1e9);
  }

  /**
   * The consumer standing for one container: poll, "run" (no-op), produce completion, ack after it
   * is written.
   */
  private final class Proxy {
    private final Variant variant;
    private final String group;
    private final String actions;
    private final String completions;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final Thread thread;

    /** The proxy's own producer, as the invoker's is not the controller's. */
    private final KafkaProducer<byte[], byte[]> completer =
        new KafkaProducer<>(
            producerProps(bootstrap), new ByteArraySerializer(), new ByteArraySerializer());

    private volatile Runnable wakeup = () -> {};

    Proxy(Variant variant, String group, String actions, String completions) {
      this.variant = variant;
      this.group = group;
      this.actions = actions;
      this.completions = completions;
      this.thread = new Thread(this::run, "bench-proxy-" + group);
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      stopping.set(true);
      wakeup.run();
      thread.join(10_000);
      completer.close(Duration.ofSeconds(5));
    }

    private void run() {
      try {
        if (variant == Variant.CLASSIC) runClassic();
        else runShare();
      } catch (WakeupException e) {
        // stopping
      } catch (Exception e) {
        if (!stopping.get()) e.printStackTrace();
      }
    }

    private void runClassic() throws Exception {
      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put("group.id", group);
      props.put("enable.auto.commit", false);
      props.put("auto.offset.reset", "earliest");
      props.put("max.poll.records", 500);
      try (KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        wakeup = c::wakeup;
        c.subscribe(List.of(actions));
        while (!stopping.get()) {
          ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
          if (records.isEmpty()) continue;
          completeAll(records);
          c.commitAsync();
        }
      }
    }

    private void runShare() throws Exception {
      Map<String, Object> props = new HashMap<>();
      props.put("bootstrap.servers", bootstrap);
      props.put("group.id", group);
      props.put("share.acknowledgement.mode", "explicit");
      if (variant == Variant.SHARE_BATCH) {
        props.put("share.acquire.mode", "batch_optimized");
      } else {
        props.put("share.acquire.mode", "record_limit");
        props.put("max.poll.records", variant == Variant.SHARE_1 ? 1 : 10);
      }
      try (KafkaShareConsumer<byte[], byte[]> c =
          new KafkaShareConsumer<>(
              props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        wakeup = c::wakeup;
        c.subscribe(List.of(actions));
        while (!stopping.get()) {
          ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(500));
          if (records.isEmpty()) continue;
          completeAll(records);
          for (ConsumerRecord<byte[], byte[]> r : records) c.acknowledge(r, AcknowledgeType.ACCEPT);
        }
      }
    }

    /**
     * Produces one completion per record and waits until the broker has them all (at-least-once).
     */
    private void completeAll(ConsumerRecords<byte[], byte[]> records) throws Exception {
      List<CompletableFuture<Void>> written = new ArrayList<>(records.count());
      for (ConsumerRecord<byte[], byte[]> r : records) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        completer.send(
            new ProducerRecord<>(completions, r.key(), r.value()),
            (m, e) -> {
              if (e != null) f.completeExceptionally(e);
              else f.complete(null);
            });
        written.add(f);
      }
      CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      processed.addAndGet(records.count());
    }
  }

  private void createTopics(String group, String actions, String completions) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic(actions, 1, (short) 1), new NewTopic(completions, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      ConfigResource res = new ConfigResource(ConfigResource.Type.GROUP, group);
      Collection<AlterConfigOp> ops =
          List.of(
              new AlterConfigOp(
                  new ConfigEntry("share.auto.offset.reset", "earliest"),
                  AlterConfigOp.OpType.SET));
      admin.incrementalAlterConfigs(Map.of(res, ops)).all().get(30, TimeUnit.SECONDS);
    }
  }

  private KafkaConsumer<byte[], byte[]> completionReader(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("enable.auto.commit", false);
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    TopicPartition tp = new TopicPartition(topic, 0);
    c.assign(List.of(tp));
    c.seekToBeginning(List.of(tp));
    c.position(tp);
    return c;
  }

  private static void awaitOne(KafkaConsumer<byte[], byte[]> c, int i) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
        if (ByteBuffer.wrap(r.key()).getInt() == i) return;
      }
    }
    throw new IllegalStateException("no completion for " + i + " within 30 s");
  }

  private static Map<String, Object> producerProps(String bootstrap) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("acks", "all");
    props.put("linger.ms", 0);
    return props;
  }

  private static byte[] key(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }

  private static byte[] payload(long nanos) {
    return ByteBuffer.allocate(PAYLOAD).putLong(nanos).array();
  }

  private static double ms(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
