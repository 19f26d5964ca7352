package io.kwhisk.invoker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The invoker against the real embedded broker and the real Docker engine with the Node.js runtime image. The test
 * plays the controller: it creates action topics (and the share group's offset reset), sends ContainerCreation to
 * the invoker's topic, publishes activations and reads completions from {@code completed0}.
 */
class InvokerIT {
  /** An id no other module's tests use, so start-up clean-up of leftovers never touches their containers. */
  private static final int INVOKER_ID = 71;
  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  private static Path dataDir;
  private static EmbeddedKafka kafka;
  private static Admin admin;
  private static KafkaProducer<String, byte[]> producer;
  private static Invoker invoker;
  private static final Map<String, CompletionMessage> completions = new ConcurrentHashMap<>();
  private static final Map<String, ActivationRecord> records = new ConcurrentHashMap<>();
  private static final AtomicReference<InvokerHeartbeat> lastHeartbeat = new AtomicReference<>();
  private static Thread reader;
  private static int metricsPort;
  private static volatile boolean reading = true;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE)).as("runtime image %s (scripts/build-runtimes.sh)", IMAGE).isNotEmpty();
    dataDir = Files.createTempDirectory("kwhisk-invoker-it");
    kafka = EmbeddedKafka.start(dataDir);
    admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    admin.createTopics(List.of(
        new NewTopic(Topics.completedTopic(0), 1, (short) 1),
        new NewTopic(Topics.HEALTH, 1, (short) 1),
        new NewTopic(Topics.ACTIVATIONS, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer());
    startReader();
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    InvokerConfig config = InvokerConfig.from(ConfigSource.of(Map.of(
        "kwhisk.kafka.bootstrap-servers", kafka.bootstrapServers(),
        "kwhisk.invoker.id", Integer.toString(INVOKER_ID),
        "kwhisk.invoker.keep-alive", "2s",
        "kwhisk.invoker.prefetch", "1",
        "kwhisk.invoker.heartbeat-interval", "500ms",
        "kwhisk.invoker.metrics-port", Integer.toString(metricsPort))));
    invoker = Invoker.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (invoker != null) invoker.close();
    } finally {
      reading = false;
      if (reader != null) reader.join(5_000);
      if (producer != null) producer.close();
      if (admin != null) admin.close();
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
  void aBlockingInvokeReturnsTheActionsResultAndASecondReusesTheWarmContainer() throws Exception {
    Action action = action("hello-" + suffix(), 10_000,
        "function main(p) { console.log('hi ' + p.name); return { greeting: 'Hello ' + p.name }; }");
    long created = System.currentTimeMillis();
    createContainer(action);
    CompletionMessage cold = invoke(action, Json.object().put("name", "Ada"));
    long coldMs = System.currentTimeMillis() - created;

    assertThat(cold.record().response().statusCode()).isEqualTo(ActivationResponse.SUCCESS);
    assertThat(cold.record().response().result().get("greeting").asText()).isEqualTo("Hello Ada");
    assertThat(cold.record().annotation("initTime")).isPresent();
    assertThat(cold.record().annotation("path").orElseThrow().asText()).isEqualTo(action.fqn().path());
    assertThat(awaitRecord(cold.activationId()).logs()).as("the record on activations carries the logs")
        .anySatisfy(l -> assertThat(l).endsWith("stdout: hi Ada"));
    assertThat(cold.invokerId()).isEqualTo(INVOKER_ID);

    long sent = System.currentTimeMillis();
    CompletionMessage warm = invoke(action, Json.object().put("name", "Grace"));
    long warmMs = System.currentTimeMillis() - sent;
    assertThat(warm.record().response().result().get("greeting").asText()).isEqualTo("Hello Grace");
    assertThat(warm.record().annotation("initTime")).isEmpty();
    assertThat(warm.containerId()).isEqualTo(cold.containerId());
    assertThat(containersOf(action)).hasSize(1);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(lastHeartbeat.get().containersByAction()).containsEntry(action.fqn().path(), 1));

    String scrape = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(scrape).contains("kwhisk_invoker_cold_starts_total").contains("kwhisk_invoker_containers{state=\"ready\"}");
    assertThat(invoker.metrics().registry().get(io.kwhisk.invoker.metrics.InvokerMetrics.COLD_STARTS).counter().count())
        .isGreaterThanOrEqualTo(1);

    List<String> warmRuns = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t = System.nanoTime();
      CompletionMessage c = invoke(action, Json.object().put("name", "n" + i));
      warmRuns.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) + "(wait "
          + c.record().annotation("waitTime").orElseThrow().asLong() + ", run " + c.record().duration() + ")");
    }
    System.out.printf("MEASURED cold start (creation to completion) %d ms, init %d ms; first warm %d ms;"
            + " warm round trips %s ms%n", coldMs, cold.record().annotation("initTime").orElseThrow().asLong(),
        warmMs, warmRuns);
  }

  @Test
  @Timeout(120)
  void anIdleContainerIsRemovedAndLeavesTheGroupAfterTheKeepAlive() throws Exception {
    Action action = action("idle-" + suffix(), 10_000, "function main() { return { ok: true }; }");
    createContainer(action);
    assertThat(invoke(action, Json.object()).record().response().success()).isTrue();
    assertThat(containersOf(action)).hasSize(1);
    assertThat(groupMembers(action)).isEqualTo(1);

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(containersOf(action)).isEmpty();
      assertThat(groupMembers(action)).isZero();
    });
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(lastHeartbeat.get().containersByAction()).doesNotContainKey(action.fqn().path()));
  }

  @Test
  @Timeout(120)
  void anActionThatThrowsGivesAnApplicationError() throws Exception {
    Action action = action("throws-" + suffix(), 10_000, "function main() { throw new Error('boom'); }");
    createContainer(action);
    CompletionMessage c = invoke(action, Json.object());
    assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.APPLICATION_ERROR);
    assertThat(c.record().response().result().get("error").asText()).contains("boom");
    assertThat(invoke(action, Json.object()).containerId()).as("the container survives").isEqualTo(c.containerId());
  }

  @Test
  @Timeout(120)
  void aRunThatExceedsTheTimeLimitIsADeveloperErrorAndTheContainerIsReplaced() throws Exception {
    Action action = action("slow-" + suffix(), 1_000,
        "function main(p) { return new Promise(r => setTimeout(() => r({ slept: true }), p.sleep || 0)); }");
    createContainer(action);
    CompletionMessage timedOut = invoke(action, Json.object().put("sleep", 5_000));
    assertThat(timedOut.record().response().statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(timedOut.record().response().result().get("error").asText())
        .isEqualTo("The action exceeded its time limit of 1000 milliseconds.");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(containersOf(action)).isEmpty());

    createContainer(action);
    CompletionMessage next = invoke(action, Json.object());
    assertThat(next.record().response().success()).isTrue();
    assertThat(next.containerId()).isNotEqualTo(timedOut.containerId());
  }

  @Test
  @Timeout(120)
  void aFailedInitCompletesOneActivationWithADeveloperErrorAndRemovesTheContainer() throws Exception {
    Action action = action("broken-" + suffix(), 10_000, "function main( { syntax error");
    createContainer(action);
    CompletionMessage c = invoke(action, Json.object());
    assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(c.record().response().result().get("error").asText()).contains("Initialization has failed");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(containersOf(action)).isEmpty());
  }

  @Test
  @Timeout(120)
  void oneContainerRunsUpToItsConcurrencyLimitAtOnce() throws Exception {
    Action action = action("concurrent-" + suffix(), 10_000, 2, Map.of(),
        "function main(p) { return new Promise(r => setTimeout(() => r({ n: p.n }), 1500)); }");
    createContainer(action);
    assertThat(invoke(action, Json.object().put("n", 0)).record().response().success()).isTrue();

    String a = send(action, Json.object().put("n", 1));
    String b = send(action, Json.object().put("n", 2));
    CompletionMessage first = awaitCompletion(a);
    CompletionMessage second = awaitCompletion(b);
    assertThat(second.containerId()).isEqualTo(first.containerId());
    assertThat(containersOf(action)).hasSize(1);
    assertThat(first.record().start()).as("the two runs overlap").isLessThan(second.record().end());
    assertThat(second.record().start()).as("the two runs overlap").isLessThan(first.record().end());
  }

  @Test
  @Timeout(120)
  void aDeletedActionsContainerIsRetiredBeforeItsKeepAlive() throws Exception {
    Action action = action("deleted-" + suffix(), 10_000, 1,
        Map.of("keepAlive", com.fasterxml.jackson.databind.node.IntNode.valueOf(120_000)),
        "function main() { return { ok: true }; }");
    createContainer(action);
    assertThat(invoke(action, Json.object()).record().response().success()).isTrue();
    Thread.sleep(2_500); // longer than the invoker's default keep-alive: the annotation keeps it warm
    assertThat(containersOf(action)).hasSize(1);

    InvokerCommand deletion = new ContainerDeletion(action.namespace(), action.name(), null);
    producer.send(new ProducerRecord<>(Topics.invokerTopic(INVOKER_ID), action.fqn().path(), Json.encode(deletion)))
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(containersOf(action)).isEmpty();
      assertThat(groupMembers(action)).isZero();
    });
  }

  // ---------------------------------------------------------------- the controller's side

  private static Action action(String name, int timeoutMs, String code) throws Exception {
    return action(name, timeoutMs, 1, Map.of(), code);
  }

  private static Action action(String name, int timeoutMs, int concurrency,
      Map<String, com.fasterxml.jackson.databind.JsonNode> annotations, String code) throws Exception {
    Action action = new Action("guest", name, "r1", null, new Exec("nodejs:20", code, null, false, null), null,
        annotations, new ActionLimits(timeoutMs, 256, 10, concurrency), 0, false, System.currentTimeMillis());
    String topic = Topics.actionTopic(action.fqn());
    admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, Topics.actionGroup(action.fqn()));
    admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
            new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
        .all().get(30, TimeUnit.SECONDS);
    return action;
  }

  private static void createContainer(Action action) throws Exception {
    InvokerCommand creation = new ContainerCreation(UUID.randomUUID().toString(), action, 0,
        System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.invokerTopic(INVOKER_ID), action.fqn().path(), Json.encode(creation)))
        .get(10, TimeUnit.SECONDS);
  }

  private static CompletionMessage invoke(Action action, com.fasterxml.jackson.databind.node.ObjectNode params)
      throws Exception {
    return awaitCompletion(send(action, params));
  }

  private static String send(Action action, com.fasterxml.jackson.databind.node.ObjectNode params) throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "");
    ActivationMessage msg = new ActivationMessage(id, "tx-" + id, action.namespace(), action.name(),
        action.revision(), "guest", params, true, 0, System.currentTimeMillis());
    producer.send(new ProducerRecord<>(Topics.actionTopic(action.fqn()), id, Json.encode(msg)))
        .get(10, TimeUnit.SECONDS);
    return id;
  }

  private static CompletionMessage awaitCompletion(String id) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> completions.containsKey(id));
    return completions.get(id);
  }

  private static ActivationRecord awaitRecord(String id) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> records.containsKey(id));
    return records.get(id);
  }

  private static void startReader() {
    reader = new Thread(() -> {
      Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts =
            List.of(new TopicPartition(Topics.completedTopic(0), 0), new TopicPartition(Topics.HEALTH, 0),
                new TopicPartition(Topics.ACTIVATIONS, 0));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        while (reading) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (r.topic().equals(Topics.HEALTH)) {
              InvokerHeartbeat hb = Json.decode(r.value(), InvokerHeartbeat.class);
              if (hb.invokerId() == INVOKER_ID) lastHeartbeat.set(hb);
            } else if (r.topic().equals(Topics.ACTIVATIONS)) {
              ActivationRecord a = Json.decode(r.value(), ActivationRecord.class);
              records.put(a.activationId(), a);
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

  private static int groupMembers(Action action) throws Exception {
    String group = Topics.actionGroup(action.fqn());
    return admin.describeShareGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS)
        .members().size();
  }

  // ---------------------------------------------------------------- Docker, through its CLI

  private static List<String> containersOf(Action action) throws Exception {
    return lines(docker("ps", "-a", "-q", "--filter", "label=" + ContainerRuntime.ACTION_LABEL + "="
        + action.fqn().path(), "--filter", "label=" + ContainerRuntime.INVOKER_LABEL + "=" + INVOKER_ID));
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
    return Optional.of(UUID.randomUUID().toString().substring(0, 8)).get();
  }
}
