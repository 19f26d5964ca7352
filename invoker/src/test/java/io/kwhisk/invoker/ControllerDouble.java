package io.kwhisk.invoker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.message.InvokerHeartbeat;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * For integration tests: the real embedded broker, plus the controller's side of the wire played by the test
 * (action topics and their share groups, creations on an invoker's topic, activations, completions from
 * {@code completed0}, heartbeats), and the Docker CLI to look at containers.
 */
final class ControllerDouble implements AutoCloseable {
  private final EmbeddedKafka kafka;
  private final Admin admin;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, CompletionMessage> completions = new ConcurrentHashMap<>();
  private final Map<Integer, InvokerHeartbeat> heartbeats = new ConcurrentHashMap<>();
  private final Thread reader;
  private volatile boolean reading = true;

  private ControllerDouble(EmbeddedKafka kafka) throws Exception {
    this.kafka = kafka;
    this.admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    admin.createTopics(List.of(
        new NewTopic(Topics.completedTopic(0), 1, (short) 1),
        new NewTopic(Topics.HEALTH, 1, (short) 1),
        new NewTopic(Topics.ACTIVATIONS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
    this.reader = new Thread(this::read, "it-completions");
    reader.setDaemon(true);
    reader.start();
  }

  static ControllerDouble start() throws Exception {
    Path dataDir = Files.createTempDirectory("kwhisk-invoker-it");
    return new ControllerDouble(EmbeddedKafka.start(dataDir));
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  String clusterId() throws Exception {
    return admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
  }

  /** A Node.js action whose topic and share group exist, as the controller makes them on creation. */
  Action action(String name, int timeoutMs, int memoryMb, String code) throws Exception {
    Action action = new Action("guest", name, "r1", null, new Exec("nodejs:20", code, null, false, null), null,
        Map.of(), new ActionLimits(timeoutMs, memoryMb, 10, 1), 0, false, System.currentTimeMillis());
    String topic = Topics.actionTopic(action.fqn());
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, Topics.actionGroup(action.fqn()));
    admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
            new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
        .all().get(30, TimeUnit.SECONDS);
    return action;
  }

  void createContainer(int invokerId, Action action) throws Exception {
    InvokerCommand creation = new ContainerCreation(UUID.randomUUID().toString(), action, 0,
        System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.invokerTopic(invokerId), action.fqn().path(), Json.encode(creation)))
        .get(10, TimeUnit.SECONDS);
  }

  String send(Action action, ObjectNode params) throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "");
    ActivationMessage msg = new ActivationMessage(id, "tx-" + id, action.namespace(), action.name(),
        action.revision(), "guest", params, true, 0, System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.actionTopic(action.fqn()), id, Json.encode(msg)))
        .get(10, TimeUnit.SECONDS);
    return id;
  }

  CompletionMessage awaitCompletion(String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> completions.containsKey(id));
    return completions.get(id);
  }

  CompletionMessage invoke(Action action, ObjectNode params) throws Exception {
    return awaitCompletion(send(action, params));
  }

  InvokerHeartbeat lastHeartbeat(int invokerId) {
    return heartbeats.get(invokerId);
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
          List.of(new TopicPartition(Topics.completedTopic(0), 0), new TopicPartition(Topics.HEALTH, 0));
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
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- Docker, through its CLI

  static List<String> containersOf(int invokerId, Action action) throws Exception {
    return lines(docker("ps", "-a", "-q", "--filter", "label=" + ContainerRuntime.ACTION_LABEL + "="
        + action.fqn().path(), "--filter", "label=" + ContainerRuntime.INVOKER_LABEL + "=" + invokerId));
  }

  static List<String> containersOfInvoker(int invokerId) throws Exception {
    return lines(docker("ps", "-a", "-q", "--filter", "label=" + ContainerRuntime.INVOKER_LABEL + "=" + invokerId));
  }

  /** Removes every container labelled with the invoker id, whatever its cluster. */
  static void removeContainersOfInvoker(int invokerId) throws Exception {
    List<String> left = containersOfInvoker(invokerId);
    if (left.isEmpty()) return;
    List<String> rm = new ArrayList<>(List.of("rm", "-f"));
    rm.addAll(left);
    docker(rm.toArray(String[]::new));
  }

  static String inspect(String containerId, String format) throws Exception {
    return docker("inspect", "--format", format, containerId);
  }

  static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  static String docker(String... args) throws IOException, InterruptedException {
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
