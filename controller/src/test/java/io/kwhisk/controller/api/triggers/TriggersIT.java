package io.kwhisk.controller.api.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Triggers and rules through the REST API; the test plays the invoker, so it sees what each rule
 * invoked.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TriggersIT {
  static final String NS = "/api/v1/namespaces/_";

  @Test
  void firingATriggerInvokesEveryActiveRulesActionAndRecordsWhatEachRuleDid() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.heartbeat(1, Map.of());
      h.createAction("left", Harness.nodeAction("x"));
      assertThat(h.call("PUT", NS + "/packages/p", "{}").statusCode()).isEqualTo(200);
      h.createAction("p/right", Harness.nodeAction("x"));
      h.createAction("never", Harness.nodeAction("x"));
      HttpResponse<String> t =
          h.call(
              "PUT",
              NS + "/triggers/tick",
              "{\"parameters\":[{\"key\":\"source\",\"value\":\"default\"},{\"key\":\"n\",\"value\":0}]}");
      assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
      assertThat(h.call("POST", NS + "/triggers/tick", "{}").statusCode())
          .as("no rules yet")
          .isEqualTo(204);

      assertThat(
              h.call("PUT", NS + "/rules/r1", "{\"trigger\":\"/_/tick\",\"action\":\"/_/left\"}")
                  .statusCode())
          .isEqualTo(200);
      JsonNode r2 =
          Harness.json(
              h.call("PUT", NS + "/rules/r2", "{\"trigger\":\"tick\",\"action\":\"p/right\"}"));
      assertThat(r2.path("status").asText()).isEqualTo("active");
      assertThat(r2.path("action").toString())
          .isEqualTo("{\"path\":\"guest/p\",\"name\":\"right\"}");
      assertThat(
              h.call("PUT", NS + "/rules/r3", "{\"trigger\":\"tick\",\"action\":\"never\"}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(h.call("POST", NS + "/rules/r3", "{\"status\":\"inactive\"}").statusCode())
          .isEqualTo(200);
      assertThat(Harness.json(h.call("GET", NS + "/rules/r3", null)).path("status").asText())
          .isEqualTo("inactive");
      JsonNode trigger = Harness.json(h.call("GET", NS + "/triggers/tick", null));
      assertThat(trigger.path("rules").path("guest/r1").path("status").asText())
          .isEqualTo("active");
      assertThat(trigger.path("rules").path("guest/r3").path("status").asText())
          .isEqualTo("inactive");

      try (KafkaConsumer<String, byte[]> left = h.reader(topic("left"));
          KafkaConsumer<String, byte[]> right = h.reader(topic("p/right"));
          KafkaConsumer<String, byte[]> completions = h.reader(Topics.completedTopic(0))) {
        HttpResponse<String> fired = h.call("POST", NS + "/triggers/tick", "{\"n\":5}");
        assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
        String triggerId = Harness.json(fired).path("activationId").asText();
        ActivationMessage l =
            Json.decode(Harness.awaitRecord(left, null).value(), ActivationMessage.class);
        ActivationMessage r =
            Json.decode(Harness.awaitRecord(right, null).value(), ActivationMessage.class);
        assertThat(l.params().toString()).isEqualTo("{\"source\":\"default\",\"n\":5}");
        assertThat(r.params().toString()).isEqualTo("{\"source\":\"default\",\"n\":5}");
        assertThat(l.blocking()).isFalse();

        CompletionMessage record =
            Json.decode(
                Harness.awaitRecord(completions, triggerId).value(), CompletionMessage.class);
        assertThat(record.record().name()).isEqualTo("tick");
        assertThat(record.record().response().result().toString()).isEqualTo("{\"n\":5}");
        List<JsonNode> logs = new ArrayList<>();
        for (String line : record.record().logs()) logs.add(Json.MAPPER.readTree(line));
        assertThat(logs)
            .extracting(j -> j.path("rule").asText())
            .containsExactly("guest/r1", "guest/r2", "guest/r3");
        assertThat(logs.get(0).path("activationId").asText()).isEqualTo(l.activationId());
        assertThat(logs.get(1).path("activationId").asText()).isEqualTo(r.activationId());
        assertThat(logs.get(2).path("error").asText())
            .isEqualTo("Rule 'guest/r3' is inactive, action 'guest/never' was not activated.");
        assertThat(logs.get(2).path("success").asBoolean()).isFalse();
      }
    }
  }

  @Test
  void rulesNeedAnExistingTriggerAndActionAndAnInactiveRuleDoesNotFire() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.createAction("a", Harness.nodeAction("x"));
      assertThat(h.call("PUT", NS + "/triggers/t", "{}").statusCode()).isEqualTo(200);
      assertThat(h.call("PUT", NS + "/triggers/t", "{}").statusCode()).isEqualTo(409);
      assertThat(
              error(
                  h.call(
                      "PUT", NS + "/rules/r", "{\"trigger\":\"/_/missing\",\"action\":\"/_/a\"}")))
          .isEqualTo("trigger /guest/missing does not exist");
      assertThat(
              error(
                  h.call(
                      "PUT", NS + "/rules/r", "{\"trigger\":\"/_/t\",\"action\":\"/_/missing\"}")))
          .isEqualTo("action /guest/missing does not exist");
      assertThat(error(h.call("PUT", NS + "/rules/r", "{\"trigger\":\"/_/t\"}")))
          .isEqualTo("rule requires a valid trigger and a valid action");
      assertThat(
              h.call("PUT", NS + "/rules/r", "{\"trigger\":\"/_/t\",\"action\":\"/_/a\"}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(h.call("POST", NS + "/rules/r", "{\"status\":\"sleeping\"}").statusCode())
          .isEqualTo(400);
      assertThat(h.call("POST", NS + "/rules/r", "{\"status\":\"inactive\"}").statusCode())
          .isEqualTo(200);
      assertThat(h.call("POST", NS + "/triggers/t", "{}").statusCode()).isEqualTo(204);
      assertThat(h.call("POST", NS + "/triggers/nothing", "{}").statusCode()).isEqualTo(404);
      assertThat(names(h.call("GET", NS + "/rules", null))).containsExactly("r");
      assertThat(names(h.call("GET", NS + "/triggers", null))).containsExactly("t");
      assertThat(Harness.json(h.call("GET", NS, null)).path("rules").get(0).path("name").asText())
          .isEqualTo("r");

      assertThat(h.call("DELETE", NS + "/triggers/t", null).statusCode()).isEqualTo(200);
      assertThat(Harness.json(h.call("GET", NS + "/rules/r", null)).path("status").asText())
          .isEqualTo("inactive");
      assertThat(h.call("POST", NS + "/rules/r", "{\"status\":\"active\"}").statusCode())
          .isEqualTo(404);
      assertThat(h.call("DELETE", NS + "/rules/r", null).statusCode()).isEqualTo(200);
      assertThat(h.call("GET", NS + "/rules/r", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void firesOverTheNamespacesFiresPerMinuteAnswer429WithRetryAfter() throws Exception {
    try (Harness h = Harness.start(Map.of(ControllerConfig.FIRES_PER_MINUTE, "3"))) {
      assertThat(h.call("PUT", NS + "/triggers/t", "{}").statusCode()).isEqualTo(200);
      List<Integer> codes = new ArrayList<>();
      HttpResponse<String> last = null;
      for (int i = 0; i < 4; i++) {
        last = h.call("POST", NS + "/triggers/t", "{}");
        codes.add(last.statusCode());
      }
      // A minute may turn during the loop and start a new count: then the fourth passes too, never
      // more than one.
      assertThat(codes.subList(0, 3)).containsOnly(204);
      if (codes.get(3) != 204) {
        assertThat(codes.get(3)).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(Harness.json(last).path("error").asText()).contains("allowed: 3");
      }
    }
  }

  @Test
  void triggersAndRulesSurviveAControllerRestart() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.createAction("a", Harness.nodeAction("x"));
      assertThat(
              h.call("PUT", NS + "/triggers/kept", "{\"parameters\":[{\"key\":\"k\",\"value\":1}]}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              h.call("PUT", NS + "/rules/kept-rule", "{\"trigger\":\"kept\",\"action\":\"a\"}")
                  .statusCode())
          .isEqualTo(200);
      h.stopController();
      h.startController();
      JsonNode trigger = Harness.json(h.call("GET", NS + "/triggers/kept", null));
      assertThat(trigger.path("parameters").get(0).path("key").asText()).isEqualTo("k");
      assertThat(trigger.path("rules").path("guest/kept-rule").path("status").asText())
          .isEqualTo("active");
    }
  }

  static String topic(String action) {
    return Topics.actionTopic(new FullyQualifiedName("guest", action));
  }

  static List<String> names(HttpResponse<String> response) {
    List<String> out = new ArrayList<>();
    Harness.json(response).forEach(e -> out.add(e.path("name").asText()));
    return out;
  }

  static String error(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return Harness.json(response).path("error").asText();
  }
}
