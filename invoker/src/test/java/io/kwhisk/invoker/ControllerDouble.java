package io.kwhisk.invoker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.docker.ContainerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * For integration tests: the real embedded broker, plus the controller's side of the wire played by
 * the test (action topics and their share groups, creations on an invoker's topic, activations,
 * completions from {@code completed0}, activation records, heartbeats), and the Docker CLI to look
 * at containers. Public for the integration tests of the invoker's sub-packages.
 */
public final class ControllerDouble implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, CompletionMessage> completions = new ConcurrentHashMap<>();
  private final Map<String, Integer> completionCounts = new ConcurrentHashMap<>();
  private final Map<String, ActivationRecord> records = new ConcurrentHashMap<>();
  private final Map<Integer, InvokerHeartbeat> heartbeats = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean reading;

  private ControllerDouble(EmbeddedKafka kafka, boolean follow) throws Exception {
    this.kafka = kafka;
    this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    admin
        .createTopics(
            List.of(
                new NewTopic(Topics.completedTopic(0), 1, (short) 1),
                new NewTopic(Topics.HEALTH, 1, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    this.producer =
        new KafkaProducer<>(
            // linger.ms 0 as the controller's producers (Kafka's default of 5 ms would add a linger
            // to every creation and activation a test sends, and to the cold starts it measures).
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 0),
            new StringSerializer(),
            new ByteArraySerializer());
    this.reader = new Thread(this::read, "it-completions");
    reader.setDaemon(true);
    this.reading = follow;
    if (follow) reader.start();
  }

  public static ControllerDouble start() throws Exception {
    return start(Map.of());
  }

  /**
   * A controller double on a broker with {@code brokerOverrides} added to the embedded broker's
   * settings.
   */
  public static ControllerDouble start(Map<String, String> brokerOverrides) throws Exception {
    Path dataDir = Files.createTempDirectory("kwhisk-invoker-it");
    return new ControllerDouble(EmbeddedKafka.start(dataDir, 0, brokerOverrides), true);
  }

  /**
   * A double that reads nothing back (no completions, records or heartbeats: the await and
   * heartbeat methods do not work), for benchmarks that read {@code completed0} themselves and must
   * not pay for decoding every record.
   */
  public static ControllerDouble startWithoutFollowing() throws Exception {
    return new ControllerDouble(
        EmbeddedKafka.start(Files.createTempDirectory("kwhisk-invoker-bench")), false);
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String clusterId() throws Exception {
    return admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
  }

  /**
   * A Node.js action whose topic and share group exist, as the controller makes them on creation.
   */
  public Action action(String name, int timeoutMs, int memoryMb, String code) throws Exception {
    return action(name, timeoutMs, memoryMb, 1, Map.of(), code);
  }

  /** As {@link #action(String, int, int, String)}, with a concurrency limit and annotations. */
  public Action action(
      String name,
      int timeoutMs,
      int memoryMb,
      int concurrency,
      Map<String, JsonNode> annotations,
      String code)
      throws Exception {
    return action(
        name,
        new Exec("nodejs:20", code, null, false, null),
        annotations,
        new ActionLimits(timeoutMs, memoryMb, 10, concurrency));
  }

  /** An action of any kind (a blackbox image, say) whose topic and share group exist. */
  public Action action(
      String name, Exec exec, Map<String, JsonNode> annotations, ActionLimits limits)
      throws Exception {
    Action action =
        new Action(
            "guest",
            name,
            "r1",
            null,
            exec,
            null,
            annotations,
            limits,
            0,
            false,
            System.currentTimeMillis());
    String topic = Topics.actionTopic(action.fqn());
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    ConfigResource group =
        new ConfigResource(ConfigResource.Type.GROUP, Topics.actionGroup(action.fqn()));
    admin
        .incrementalAlterConfigs(
            Map.of(
                group,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("share.auto.offset.reset", "earliest"),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get(30, TimeUnit.SECONDS);
    // As the controller's TopicAdmin.provisionAction: the group's share state created with its
    // topic, so the first member gets the partition in the answer to its first heartbeat. On a busy
    // machine the broker may not know the new partition yet (UnknownTopicOrPartition): try again.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e.getCause() instanceof UnknownTopicOrPartitionException)
        .until(
            () -> {
              admin
                  .alterShareGroupOffsets(
                      Topics.actionGroup(action.fqn()), Map.of(new TopicPartition(topic, 0), 0L))
                  .all()
                  .get(30, TimeUnit.SECONDS);
              return true;
            });
    return action;
  }

  public void createContainer(int invokerId, Action action) throws Exception {
    command(
        invokerId,
        action,
        new ContainerCreation(UUID.randomUUID().toString(), action, 0, System.currentTimeMillis()));
  }

  public void deleteContainers(int invokerId, Action action) throws Exception {
    command(invokerId, action, new ContainerDeletion(action.namespace(), action.name(), null));
  }

  private void command(int invokerId, Action action, InvokerCommand command) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                Topics.invokerTopic(invokerId), action.fqn().path(), Json.encode(command)))
        .get(10, TimeUnit.SECONDS);
  }

  /** Publishes an activation on the action's topic; returns its id. */
  public String send(Action action, ObjectNode params) throws Exception {
    ActivationMessage msg = activation(action, params);
    producer
        .send(
            new ProducerRecord<>(
                Topics.actionTopic(action.fqn()), msg.activationId(), Json.encode(msg)))
        .get(10, TimeUnit.SECONDS);
    return msg.activationId();
  }

  /**
   * Pushes an activation to the invoker's {@code invoker<N>.activations} topic (baseline mode);
   * returns its id.
   */
  public String push(int invokerId, Action action, ObjectNode params) throws Exception {
    ActivationMessage msg = activation(action, params);
    producer
        .send(
            new ProducerRecord<>(
                Topics.invokerActivationsTopic(invokerId),
                msg.activationId(),
                Json.encode(new PushedActivation(action, msg))))
        .get(10, TimeUnit.SECONDS);
    return msg.activationId();
  }

  private static ActivationMessage activation(Action action, ObjectNode params) {
    String id = UUID.randomUUID().toString().replace("-", "");
    return new ActivationMessage(
        id,
        "tx-" + id,
        action.namespace(),
        action.name(),
        action.revision(),
        "guest",
        params,
        true,
        0,
        System.currentTimeMillis());
  }

  public CompletionMessage awaitCompletion(String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> completions.containsKey(id));
    return completions.get(id);
  }

  public CompletionMessage invoke(Action action, ObjectNode params) throws Exception {
    return awaitCompletion(send(action, params));
  }

  /**
   * How many completions of activation {@code id} were published so far (more than 1: it ran
   * again).
   */
  public int completionCount(String id) {
    return completionCounts.getOrDefault(id, 0);
  }

  /** The activation record, as the first completion of activation {@code id} carried it. */
  public ActivationRecord awaitRecord(String id) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> records.containsKey(id));
    return records.get(id);
  }

  public InvokerHeartbeat lastHeartbeat(int invokerId) {
    return heartbeats.get(invokerId);
  }

  /** Members of the action's share group. */
  public int groupMembers(Action action) throws Exception {
    String group = Topics.actionGroup(action.fqn());
    return admin
        .describeShareGroups(List.of(group))
        .describedGroups()
        .get(group)
        .get(10, TimeUnit.SECONDS)
        .members()
        .size();
  }

  @Override
  public void close() throws Exception {
    reading = false;
    reader.join(5_000);
    producer.close();
    admin.close();
    kafka.close();
  }

  private void read() {
    Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          List.of(
              new TopicPartition(Topics.completedTopic(0), 0),
              new TopicPartition(Topics.HEALTH, 0));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (reading) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          if (r.topic().equals(Topics.HEALTH)) {
            InvokerHeartbeat hb = Json.decode(r.value(), InvokerHeartbeat.class);
            heartbeats.put(hb.invokerId(), hb);
          } else {
            CompletionMessage c = Json.decode(r.value(), CompletionMessage.class);
            completions.put(c.activationId(), c);
            records.putIfAbsent(c.activationId(), c.record());
            completionCounts.merge(c.activationId(), 1, Integer::sum);
          }
        }
      }
    }
  }

  /**
   * Shuts down an integration test: closes the invoker (if started), then the controller (if
   * started), then removes every container of the given invokers, each step even when an earlier
   * one failed.
   */
  public static void shutDown(AutoCloseable invoker, ControllerDouble controller, int... invokerIds)
      throws Exception {
    try {
      if (invoker != null) invoker.close();
    } finally {
      try {
        if (controller != null) controller.close();
      } finally {
        for (int id : invokerIds) removeContainersOfInvoker(id);
      }
    }
  }

  // ---------------------------------------------------------------- Docker, through its CLI

  public static List<String> containersOf(int invokerId, Action action) throws Exception {
    return lines(
        docker(
            "ps",
            "-a",
            "-q",
            "--filter",
            "label=" + ContainerRuntime.ACTION_LABEL + "=" + action.fqn().path(),
            "--filter",
            "label=" + ContainerRuntime.INVOKER_LABEL + "=" + invokerId));
  }

  public static List<String> containersOfInvoker(int invokerId) throws Exception {
    return lines(
        docker(
            "ps",
            "-a",
            "-q",
            "--filter",
            "label=" + ContainerRuntime.INVOKER_LABEL + "=" + invokerId));
  }

  /** Removes every container labelled with the invoker id, whatever its cluster. */
  public static void removeContainersOfInvoker(int invokerId) throws Exception {
    List<String> left = containersOfInvoker(invokerId);
    if (left.isEmpty()) return;
    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
    rm.addAll(left);
    docker(rm.toArray(String[]::new));
  }

  public static String inspect(String containerId, String format) throws Exception {
    return docker("inspect", "--format", format, containerId);
  }

  public static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  public static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + out);
    }
    return out.trim();
  }
}
