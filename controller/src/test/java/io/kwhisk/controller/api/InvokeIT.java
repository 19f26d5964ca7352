package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Invocations against a real broker, with the test playing the invoker's side of the wire. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvokeIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
    h.heartbeat(7, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              h.createAction("probe", Harness.nodeAction("x"));
              return h.call("POST", "/api/v1/namespaces/_/actions/probe", "{}").statusCode() == 202;
            });
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static KafkaConsumer<String, byte[]> actionTopic(String name) {
    return h.reader(Topics.actionTopic(new FullyQualifiedName("guest", name)));
  }

  static ActivationMessage nextActivation(KafkaConsumer<String, byte[]> consumer) {
    ConsumerRecord<String, byte[]> record = Harness.awaitRecord(consumer, null);
    ActivationMessage message = Json.decode(record.value(), ActivationMessage.class);
    assertThat(record.key()).isEqualTo(message.activationId());
    return message;
  }

  @Test
  void aNonBlockingInvokeAnswers202AndQueuesTheActivationWithMergedParameters() throws Exception {
    h.createAction(
        "async",
        "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},"
            + "\"parameters\":[{\"key\":\"name\",\"value\":\"default\"},{\"key\":\"place\",\"value\":\"earth\"}]}");
    HttpResponse<String> r =
        h.call("POST", "/api/v1/namespaces/_/actions/async", "{\"name\":\"me\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = Harness.json(r).get("activationId").asText();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(r.headers().firstValue(ActionsApi.ACTIVATION_ID_HEADER)).contains(id);

    try (KafkaConsumer<String, byte[]> consumer = actionTopic("async")) {
      ActivationMessage message =
          Json.decode(Harness.awaitRecord(consumer, id).value(), ActivationMessage.class);
      assertThat(message.params().get("name").asText()).isEqualTo("me");
      assertThat(message.params().get("place").asText()).isEqualTo("earth");
      assertThat(message.blocking()).isFalse();
      assertThat(message.controllerId()).isZero();
      assertThat(message.namespace()).isEqualTo("guest");
    }
  }

  @Test
  void aBlockingInvokeAnswersTheRecordAndTheRecordCanBeReadBack() throws Exception {
    h.createAction("sync", Harness.nodeAction("x"));
    CompletableFuture<HttpResponse<String>> pending =
        h.callAsync("POST", "/api/v1/namespaces/_/actions/sync?blocking=true", "{\"n\":1}");
    ActivationMessage message;
    try (KafkaConsumer<String, byte[]> consumer = actionTopic("sync")) {
      message = nextActivation(consumer);
    }
    assertThat(message.blocking()).isTrue();
    h.complete(
        message,
        ActivationResponse.success(Json.object().put("greeting", "hi")),
        List.of("a log line"));

    HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode record = Harness.json(r);
    assertThat(record.get("activationId").asText()).isEqualTo(message.activationId());
    assertThat(record.at("/response/result/greeting").asText()).isEqualTo("hi");
    assertThat(record.at("/response/status").asText()).isEqualTo("success");
    assertThat(r.headers().firstValue(ActionsApi.ACTIVATION_ID_HEADER))
        .contains(message.activationId());

    String base = "/api/v1/namespaces/_/activations/";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> h.call("GET", base + message.activationId(), null).statusCode() == 200);
    JsonNode got = Harness.json(h.call("GET", base + message.activationId(), null));
    assertThat(got.get("name").asText()).isEqualTo("sync");
    assertThat(
            Harness.json(h.call("GET", base + message.activationId() + "/result", null))
                .at("/result/greeting")
                .asText())
        .isEqualTo("hi");
    assertThat(
            Harness.json(h.call("GET", base + message.activationId() + "/logs", null))
                .at("/logs/0")
                .asText())
        .isEqualTo("a log line");
    JsonNode list =
        Harness.json(h.call("GET", "/api/v1/namespaces/_/activations?name=sync&limit=5", null));
    assertThat(list.findValuesAsText("activationId")).containsExactly(message.activationId());
  }

  @Test
  void resultTrueAnswersOnlyTheResult() throws Exception {
    h.createAction("result-only", Harness.nodeAction("x"));
    CompletableFuture<HttpResponse<String>> pending =
        h.callAsync(
            "POST", "/api/v1/namespaces/_/actions/result-only?blocking=true&result=true", null);
    try (KafkaConsumer<String, byte[]> consumer = actionTopic("result-only")) {
      h.complete(
          nextActivation(consumer),
          ActivationResponse.success(Json.object().put("ok", true)),
          List.of());
    }
    HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void anApplicationErrorAnswers502WithTheRecordAndADuplicateCompletionIsDropped()
      throws Exception {
    h.createAction("failing", Harness.nodeAction("x"));
    CompletableFuture<HttpResponse<String>> pending =
        h.callAsync("POST", "/api/v1/namespaces/_/actions/failing?blocking=true", "{}");
    ActivationMessage message;
    try (KafkaConsumer<String, byte[]> consumer = actionTopic("failing")) {
      message = nextActivation(consumer);
    }
    h.complete(
        message,
        ActivationResponse.applicationError(Json.object().put("error", "boom")),
        List.of());
    h.complete(message, ActivationResponse.success(Json.object()), List.of());
    HttpResponse<String> r = pending.get(20, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(Harness.json(r).at("/response/result/error").asText()).isEqualTo("boom");
    // The stored record is the one the caller got, not the duplicate's success that was written
    // after it.
    String path = "/api/v1/namespaces/_/activations/" + message.activationId();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> h.call("GET", path, null).statusCode() == 200);
    assertThat(Harness.json(h.call("GET", path, null)).at("/response/status").asText())
        .isEqualTo("application error");
  }

  @Test
  void aBlockingInvokeThatOutlivesItsWaitAnswers202WithTheId() throws Exception {
    h.createAction("slow", Harness.nodeAction("x"));
    HttpResponse<String> r =
        h.call("POST", "/api/v1/namespaces/_/actions/slow?blocking=true&timeout=300", "{}");
    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(Harness.json(r).get("activationId").asText()).matches("[0-9a-f]{32}");
  }

  @Test
  void aBodyStreamedInChunksIsReadWholeBeforeTheInvoke() throws Exception {
    h.createAction("chunked", Harness.nodeAction("x"));
    String params = "{\"text\":\"" + "y".repeat(200_000) + "\"}";
    // No length known up front: the JDK client sends it with chunked transfer encoding, so it
    // reaches the
    // controller as a streamed entity rather than a strict one.
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(h.url("/api/v1/namespaces/_/actions/chunked")))
            .header("Authorization", Harness.basic(h.guest()))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(params.getBytes(StandardCharsets.UTF_8))))
            .build();
    HttpResponse<String> r = h.http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = Harness.json(r).get("activationId").asText();
    try (KafkaConsumer<String, byte[]> consumer = actionTopic("chunked")) {
      ActivationMessage message =
          Json.decode(Harness.awaitRecord(consumer, id).value(), ActivationMessage.class);
      assertThat(message.params().get("text").asText()).hasSize(200_000);
    }
  }

  @Test
  void aBodyThatIsNeitherAnObjectNorAnArrayIs400AndATooLargeOneIs413() throws Exception {
    h.createAction("strict", Harness.nodeAction("x"));
    HttpResponse<String> scalar = h.call("POST", "/api/v1/namespaces/_/actions/strict", "42");
    assertThat(scalar.statusCode()).isEqualTo(400);
    assertThat(Harness.json(scalar).get("error").asText()).contains("JSON object or array");
    assertThat(h.call("POST", "/api/v1/namespaces/_/actions/strict", "[1,2]").statusCode())
        .as("an array, as OpenWhisk allows")
        .isEqualTo(202);
    String big = "{\"big\":\"" + "x".repeat(1024 * 1024 + 10) + "\"}";
    HttpResponse<String> tooLarge = h.call("POST", "/api/v1/namespaces/_/actions/strict", big);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(Harness.json(tooLarge).has("error")).isTrue();
  }

  @Test
  void theActivationListFiltersByStartTimeWithSinceAndUpto() throws Exception {
    h.createAction("dated", Harness.nodeAction("x"));
    h.call("POST", "/api/v1/namespaces/_/actions/dated", "{}");
    ActivationMessage message;
    try (KafkaConsumer<String, byte[]> consumer = actionTopic("dated")) {
      message = nextActivation(consumer);
    }
    long start = h.complete(message, ActivationResponse.success(Json.object()), List.of()).start();
    String list = "/api/v1/namespaces/_/activations?name=dated";
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Harness.json(h.call("GET", list, null)).size() == 1);
    assertThat(
            Harness.json(h.call("GET", list + "&since=" + start + "&upto=" + start, null))
                .findValuesAsText("activationId"))
        .containsExactly(message.activationId());
    assertThat(Harness.json(h.call("GET", list + "&since=" + (start + 1), null))).isEmpty();
    assertThat(Harness.json(h.call("GET", list + "&upto=" + (start - 1), null))).isEmpty();
    assertThat(h.call("GET", list + "&since=yesterday", null).statusCode()).isEqualTo(400);
  }

  @Test
  void anUnknownActivationIs404() throws Exception {
    HttpResponse<String> r =
        h.call("GET", "/api/v1/namespaces/_/activations/0123456789abcdef0123456789abcdef", null);
    assertThat(r.statusCode()).isEqualTo(404);
  }
}
