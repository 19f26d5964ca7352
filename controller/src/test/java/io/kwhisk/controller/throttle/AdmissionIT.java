package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import io.kwhisk.controller.admin.AdminMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Admission against a real broker: the lag comes from the action's share group, the test plays the
 * invoker (a share consumer that completes and acknowledges), and no container ever runs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AdmissionIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h =
        Harness.start(
            Map.of(
                ControllerConfig.HEARTBEAT_TIMEOUT,
                "10m",
                AdmissionSettings.MIN_BACKLOG,
                "1",
                AdmissionSettings.BACKLOG_PER_SLOT,
                "2",
                AdmissionSettings.LAG_REFRESH,
                "200ms"));
    h.heartbeat(7, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.controller().schedulerView().hasHealthyInvoker());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static String invokePath(String name) {
    return "/api/v1/namespaces/_/actions/" + name;
  }

  @Test
  void anActionOverItsBacklogIsRefusedWith429AndRetryAfterUntilAnInvokerDrainsIt()
      throws Exception {
    HttpResponse<String> put =
        h.createAction(
            "backlogged",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},\"limits\":{\"instances\":3}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(
            Harness.json(h.call("GET", invokePath("backlogged"), null))
                .at("/limits/instances")
                .asInt())
        .isEqualTo(3);

    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 50 && refused == null; i++) {
      HttpResponse<String> r = h.call("POST", invokePath("backlogged"), "{}");
      if (r.statusCode() == 202) accepted++;
      else refused = r;
    }
    assertThat(refused).as("refused within 50 invokes").isNotNull();
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(accepted).as("3 instances x concurrency 1 x 2 per slot").isEqualTo(6);
    JsonNode error = Harness.json(refused);
    assertThat(error.get("error").asText())
        .isEqualTo("Too many activations queued for this action (count: 6, allowed: 6).");
    assertThat(error.get("code").asText()).isNotBlank();
    assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1, 30);

    FullyQualifiedName fqn = new FullyQualifiedName("guest", "backlogged");
    try (KafkaLagSource kafka =
        new KafkaLagSource(h.controller().config().kafka(), "lag-test", 5_000)) {
      long queued = accepted;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                QueueOffsets o = kafka.fetch(List.of(fqn)).get(fqn.path());
                return o != null && o.lag() == queued;
              });
    }
    // The view is refreshed every 200 ms: over this window it holds Kafka's lag, not local counts.
    await()
        .during(Duration.ofMillis(1_000))
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .alias("still refused once the lag view has Kafka's own lag")
        .until(() -> h.call("POST", invokePath("backlogged"), "{}").statusCode() == 429);

    try (KafkaShareConsumer<String, byte[]> invoker = invoker(fqn)) {
      int drained = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (drained < accepted && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : invoker.poll(Duration.ofMillis(500))) {
          ActivationMessage m = Json.decode(r.value(), ActivationMessage.class);
          h.complete(m, ActivationResponse.success(Json.object()), List.of());
          invoker.acknowledge(r, AcknowledgeType.ACCEPT);
          drained++;
        }
        invoker.commitSync();
      }
      assertThat(drained).isEqualTo(accepted);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> h.call("POST", invokePath("backlogged"), "{}").statusCode() == 202);
  }

  @Test
  void aNamespaceOverItsConcurrencyLimitIsRefusedWith429UntilOneOfItsActivationsCompletes()
      throws Exception {
    String credentials = admin("namespace", "create", "tight").trim();
    assertThat(credentials).matches("[0-9a-f-]{36}:[A-Za-z0-9]{64}");
    admin("namespace", "limit", "tight", "2");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.controller().concurrencyLimit("tight") == 2);

    assertThat(
            Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null, credentials))
                .get("concurrentInvocations")
                .asInt())
        .isEqualTo(2);
    assertThat(
            Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                .get("concurrentInvocations")
                .asInt())
        .as("guest has the default")
        .isEqualTo(100);
    String path = "/api/v1/namespaces/tight/actions/busy";
    assertThat(h.call("PUT", path, Harness.nodeAction("x"), credentials).statusCode())
        .isEqualTo(200);
    assertThat(h.call("POST", path, "{}", credentials).statusCode()).isEqualTo(202);
    assertThat(h.call("POST", path, "{}", credentials).statusCode()).isEqualTo(202);
    HttpResponse<String> refused = h.call("POST", path, "{}", credentials);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(Harness.json(refused).get("error").asText())
        .isEqualTo("Too many concurrent requests in flight (count: 2, allowed: 2).");
    assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").orElseThrow()))
        .isPositive();
    HttpResponse<String> guestPut = h.createAction("other-namespace", Harness.nodeAction("x"));
    assertThat(guestPut.statusCode()).as(guestPut.body()).isEqualTo(200);
    assertThat(h.call("POST", invokePath("other-namespace"), "{}").statusCode())
        .as("guest's action is accepted although tight is at its limit")
        .isEqualTo(202);

    try (KafkaConsumer<String, byte[]> queue =
        h.reader(Topics.actionTopic(new FullyQualifiedName("tight", "busy")))) {
      ActivationMessage first =
          Json.decode(Harness.awaitRecord(queue, null).value(), ActivationMessage.class);
      h.complete(first, ActivationResponse.success(Json.object()), List.of());
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> h.call("POST", path, "{}", credentials).statusCode() == 202);
  }

  static KafkaShareConsumer<String, byte[]> invoker(FullyQualifiedName action) {
    KafkaShareConsumer<String, byte[]> consumer =
        new KafkaShareConsumer<>(
            Map.of(
                "bootstrap.servers", h.bootstrapServers(),
                "group.id", Topics.actionGroup(action),
                "share.acknowledgement.mode", "explicit"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.actionTopic(action)));
    return consumer;
  }

  static String admin(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        AdminMain.run(
            args,
            ConfigSource.of(Map.of("kwhisk.kafka.bootstrap-servers", h.bootstrapServers())),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
