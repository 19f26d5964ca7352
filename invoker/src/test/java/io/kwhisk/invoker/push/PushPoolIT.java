package io.kwhisk.invoker.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.Invoker;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An invoker in the baseline ("hash") mode against the real embedded broker and Docker with the Node.js runtime.
 * The test plays the controller: it pushes activations to {@code invoker<N>.activations} and reads completions
 * from {@code completed0}. The invoker's user memory holds exactly one 256 MB container.
 */
class PushPoolIT {
  /** Unique per run (800-999) so start-up clean-up never touches another test's containers. */
  private static final int INVOKER_ID = ThreadLocalRandom.current().nextInt(800, 1000);
  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  private static Path dataDir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;
  private static Invoker invoker;
  private static final Map<String, CompletionMessage> completions = new ConcurrentHashMap<>();
  private static final AtomicReference<InvokerHeartbeat> lastHeartbeat = new AtomicReference<>();
  private static Thread reader;
  private static volatile boolean reading = true;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE)).as("runtime image %s (scripts/build-runtimes.sh)", IMAGE).isNotEmpty();
    dataDir = Files.createTempDirectory("kwhisk-push-it");
    kafka = EmbeddedKafka.start(dataDir);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(
          new NewTopic(Topics.completedTopic(0), 1, (short) 1),
          new NewTopic(Topics.HEALTH, 1, (short) 1),
          new NewTopic(Topics.ACTIVATIONS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
    startReader();
    invoker = Invoker.start(InvokerConfig.from(ConfigSource.of(Map.of(
        "kwhisk.kafka.bootstrap-servers", kafka.bootstrapServers(),
        InvokerConfig.ID, Integer.toString(INVOKER_ID),
        InvokerConfig.SCHEDULING, "hash",
        InvokerConfig.USER_MEMORY, "256",
        InvokerConfig.KEEP_ALIVE, "30s",
        InvokerConfig.HEARTBEAT, "500ms"))));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (invoker != null) invoker.close();
    } finally {
      reading = false;
      if (reader != null) reader.join(5_000);
      if (producer != null) producer.close();
      if (kafka != null) kafka.close();
      List<String> left = containersOfInvoker();
      if (!left.isEmpty()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(left);
        docker(rm.toArray(String[]::new));
      }
    }
    assertThat(containersOfInvoker()).as("containers left behind").isEmpty();
  }

  @Test
  @Timeout(120)
  void aPushedActivationRunsOnANewContainerAndTheNextOnTheWarmOne() throws Exception {
    Action action = action("hello-" + suffix(), "function main(p) { return { greeting: 'Hello ' + p.name }; }");
    CompletionMessage cold = awaitCompletion(push(action, Json.object().put("name", "Ada")));
    assertThat(cold.record().response().success()).as(cold.record().response().toString()).isTrue();
    assertThat(cold.record().response().result().get("greeting").asText()).isEqualTo("Hello Ada");
    assertThat(cold.record().annotation("initTime")).isPresent();
    assertThat(cold.invokerId()).isEqualTo(INVOKER_ID);

    CompletionMessage warm = awaitCompletion(push(action, Json.object().put("name", "Grace")));
    assertThat(warm.record().response().result().get("greeting").asText()).isEqualTo("Hello Grace");
    assertThat(warm.record().annotation("initTime")).isEmpty();
    assertThat(warm.containerId()).isEqualTo(cold.containerId());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      InvokerHeartbeat hb = lastHeartbeat.get();
      assertThat(hb.containersByAction()).containsEntry(action.fqn().path(), 1);
      assertThat(hb.userMemoryMb()).isEqualTo(256);
      assertThat(hb.freeMemoryMb()).isZero();
      assertThat(hb.idleMemoryMb()).isEqualTo(256);
    });
  }

  @Test
  @Timeout(180)
  void withRoomForOneContainerAlternatingActionsEvictAndRecreateContainers() throws Exception {
    Action a = action("alt-a-" + suffix(), "function main() { return { who: 'a' }; }");
    Action b = action("alt-b-" + suffix(), "function main() { return { who: 'b' }; }");
    double evictionsBefore = evictions();
    Set<String> containers = new HashSet<>();
    int coldStarts = 0;
    for (Action next : List.of(a, b, a, b)) {
      CompletionMessage c = awaitCompletion(push(next, Json.object()));
      assertThat(c.record().response().result().get("who").asText()).isEqualTo(next == a ? "a" : "b");
      if (c.record().annotation("initTime").isPresent()) coldStarts++;
      containers.add(c.containerId());
      assertThat(containersOfInvoker().size()).as("never more than the memory holds").isLessThanOrEqualTo(1);
    }
    assertThat(coldStarts).as("every invoke after the first of the other action is a cold start").isEqualTo(4);
    assertThat(containers).hasSize(4);
    assertThat(evictions() - evictionsBefore).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Timeout(120)
  void anActivationOfAnotherActionQueuesWhileTheOnlyContainerIsBusyThenRuns() throws Exception {
    Action slow = action("slow-" + suffix(),
        "function main() { return new Promise(r => setTimeout(() => r({ slow: true }), 1500)); }");
    Action quick = action("quick-" + suffix(), "function main() { return { quick: true }; }");
    String first = push(slow, Json.object());
    Thread.sleep(300);
    String second = push(quick, Json.object());
    CompletionMessage slowDone = awaitCompletion(first);
    CompletionMessage quickDone = awaitCompletion(second);
    assertThat(slowDone.record().response().success()).isTrue();
    assertThat(quickDone.record().response().success()).isTrue();
    assertThat(quickDone.record().start()).as("the quick one started after the slow one ended")
        .isGreaterThanOrEqualTo(slowDone.record().end());
  }

  private static double evictions() {
    return invoker.metrics().registry().get(InvokerMetrics.EVICTIONS).counter().count();
  }

  private static Action action(String name, String code) {
    return new Action("guest", name, UUID.randomUUID().toString(), null, new Exec("nodejs:20", code, null, false,
        null), null, null, new ActionLimits(10_000, 256, 10, 1), 0, false, 0);
  }

  private static String push(Action action, ObjectNode params) throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "");
    ActivationMessage msg = new ActivationMessage(id, "tx-" + id, action.namespace(), action.name(),
        action.revision(), "guest", params, true, 0, System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.invokerActivationsTopic(INVOKER_ID), id,
        Json.encode(new PushedActivation(action, msg)))).get(10, TimeUnit.SECONDS);
    return id;
  }

  private static CompletionMessage awaitCompletion(String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> completions.containsKey(id));
    return completions.get(id);
  }

  private static void startReader() {
    reader = new Thread(() -> {
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
              if (hb.invokerId() == INVOKER_ID) lastHeartbeat.set(hb);
            } else {
              CompletionMessage c = Json.decode(r.value(), CompletionMessage.class);
              completions.put(c.activationId(), c);
            }
          }
        }
      }
    }, "it-completions");
    reader.setDaemon(true);
    reader.start();
  }

  private static List<String> containersOfInvoker() throws Exception {
    return lines(docker("ps", "-a", "-q", "--filter", "label=" + ContainerRuntime.INVOKER_LABEL + "=" + INVOKER_ID));
  }

  private static List<String> lines(String s) {
    return Arrays.stream(s.split("\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("docker " + String.join(" ", args) + " failed: " + out);
    }
    return out.trim();
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
