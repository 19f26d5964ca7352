package io.kwhisk.controller.api;

import static io.kwhisk.controller.api.ActionsApiIT.assertError;
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
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenWhisk's smaller API rules (issue 12) against a real broker, the test playing the invoker
 * where one is needed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiDetailsIT {
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

  @Test
  void listsCountWithCountTrueAndRefuseALimitAbove200() throws Exception {
    h.createAction("counted-a", Harness.nodeAction("x"));
    h.createAction("counted-b", Harness.nodeAction("x"));
    JsonNode actions = Harness.json(h.call("GET", "/api/v1/namespaces/_/actions?count=true", null));
    assertThat(actions.get("actions").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(actions.size()).isEqualTo(1);
    assertError(h.call("GET", "/api/v1/namespaces/_/actions?limit=201", null), 400);
    assertThat(h.call("GET", "/api/v1/namespaces/_/actions?limit=200", null).statusCode())
        .isEqualTo(200);

    String id =
        Harness.json(h.call("POST", "/api/v1/namespaces/_/actions/counted-a", "{}"))
            .get("activationId")
            .asText();
    try (KafkaConsumer<String, byte[]> consumer =
        h.reader(Topics.actionTopic(new FullyQualifiedName("guest", "counted-a")))) {
      ActivationMessage m =
          Json.decode(Harness.awaitRecord(consumer, id).value(), ActivationMessage.class);
      h.complete(m, ActivationResponse.success(Json.object()), List.of());
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                h.call("GET", "/api/v1/namespaces/_/activations/" + id, null).statusCode() == 200);
    JsonNode count =
        Harness.json(
            h.call("GET", "/api/v1/namespaces/_/activations?count=true&name=counted-a", null));
    assertThat(count.get("activations").asInt()).isEqualTo(1);
    assertError(h.call("GET", "/api/v1/namespaces/_/activations?limit=500", null), 400);
  }

  @Test
  void aMalformedActivationIdIsABadRequestAndAnUnknownOneIsNotFound() throws Exception {
    assertError(h.call("GET", "/api/v1/namespaces/_/activations/not-an-id", null), 400);
    assertError(h.call("GET", "/api/v1/namespaces/_/activations/not-an-id/logs", null), 400);
    assertError(h.call("GET", "/api/v1/namespaces/_/activations/" + "0".repeat(32), null), 404);
  }

  @Test
  void theLimitsDocumentListsTheNamespacesLimits() throws Exception {
    JsonNode limits = Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null));
    assertThat(limits.get("concurrentInvocations").asInt()).isPositive();
    assertThat(limits.get("minActionMemory").asInt()).isEqualTo(128);
    assertThat(limits.get("maxActionMemory").asInt()).isEqualTo(2048);
    assertThat(limits.get("minActionTimeout").asInt()).isEqualTo(100);
    assertThat(limits.get("maxActionTimeout").asInt()).isEqualTo(300_000);
    assertThat(limits.get("minActionLogs").asInt()).isZero();
    assertThat(limits.get("maxActionLogs").asInt()).isEqualTo(10);
    assertThat(limits.get("minActionConcurrency").asInt()).isEqualTo(1);
    assertThat(limits.get("maxActionConcurrency").asInt()).isEqualTo(500);
    assertThat(limits.get("maxParameterSize").asText()).matches("\\d+ B");
  }

  @Test
  void finalParametersCannotBeOverriddenByTheCaller() throws Exception {
    h.createAction(
        "sealed",
        "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},"
            + "\"parameters\":[{\"key\":\"secret\",\"value\":\"s\"}],"
            + "\"annotations\":[{\"key\":\"final\",\"value\":true}]}");
    assertError(
        h.call("POST", "/api/v1/namespaces/_/actions/sealed", "{\"secret\":\"mine\"}"), 400);
    HttpResponse<String> other =
        h.call("POST", "/api/v1/namespaces/_/actions/sealed", "{\"other\":1}");
    assertThat(other.statusCode()).as(other.body()).isEqualTo(202);
  }

  @Test
  void anUpdateMergesAnnotationsAndDeletesThoseNamed() throws Exception {
    h.createAction(
        "annotated",
        "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},"
            + "\"annotations\":[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2}]}");
    HttpResponse<String> r =
        h.call(
            "PUT",
            "/api/v1/namespaces/_/actions/annotated?overwrite=true",
            "{\"annotations\":[{\"key\":\"c\",\"value\":3}],\"delAnnotations\":[\"a\"]}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode annotations = Harness.json(r).get("annotations");
    assertThat(annotations.findValuesAsText("key"))
        .contains("b", "c", "exec", "provide-api-key")
        .doesNotContain("a");
  }

  @Test
  void anInvokeKeepsTheRequestIdAsItsTransactionIdAndEveryAnswerCarriesOne() throws Exception {
    h.createAction("traced", Harness.nodeAction("x"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(h.url("/api/v1/namespaces/_/actions/traced")))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .header("Authorization", Harness.basic(h.guest()))
            .header("X-Request-ID", "my-request-42")
            .build();
    HttpResponse<String> r = h.http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    assertThat(r.headers().firstValue("X-Request-ID")).contains("my-request-42");
    String id = Harness.json(r).get("activationId").asText();
    try (KafkaConsumer<String, byte[]> consumer =
        h.reader(Topics.actionTopic(new FullyQualifiedName("guest", "traced")))) {
      ActivationMessage m =
          Json.decode(Harness.awaitRecord(consumer, id).value(), ActivationMessage.class);
      assertThat(m.transactionId()).isEqualTo("my-request-42");
    }
    HttpResponse<String> plain = h.call("GET", "/api/v1/namespaces/_/actions/traced", null);
    assertThat(plain.headers().firstValue("X-Request-ID"))
        .hasValueSatisfying(v -> assertThat(v).isNotBlank());
    HttpResponse<String> failed = h.call("GET", "/api/v1/namespaces/_/actions/nope", null);
    assertThat(failed.headers().firstValue("X-Request-ID")).isPresent();
  }

  @Test
  void theApiAnswersCorsPreflightsAndCarriesCorsHeaders() throws Exception {
    HttpRequest preflight =
        HttpRequest.newBuilder(URI.create(h.url("/api/v1/namespaces/_/actions")))
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", "https://example.org")
            .header("Access-Control-Request-Method", "GET")
            .build();
    HttpResponse<String> r = h.http.send(preflight, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValueSatisfying(v -> assertThat(v).contains("Authorization"));
    assertThat(
            h.call("GET", "/api/v1/namespaces/_/actions", null)
                .headers()
                .firstValue("Access-Control-Allow-Origin"))
        .contains("*");
  }
}
