package io.kwhisk.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The actions collection, authentication and request validation against a real broker. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ActionsApiIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static void assertError(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = Harness.json(response);
    assertThat(body.get("error").asText()).isNotBlank();
    assertThat(body.get("code").asText()).matches("[0-9a-f]{32}");
    assertThat(response.body()).doesNotContain("Exception");
  }

  @Test
  void creatingAnActionAnswersItsOpenWhiskShapeAndProvisionsItsTopicAndGroup() throws Exception {
    HttpResponse<String> r = h.createAction("hello", Harness.nodeAction("function main(){}"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode a = Harness.json(r);
    assertThat(a.get("namespace").asText()).isEqualTo("guest");
    assertThat(a.get("name").asText()).isEqualTo("hello");
    assertThat(a.get("version").asText()).isEqualTo("0.0.1");
    assertThat(a.at("/exec/kind").asText()).isEqualTo("nodejs:20");
    assertThat(a.at("/annotations/0/key").asText()).isEqualTo("exec");
    assertThat(a.at("/limits/timeout").asInt()).isEqualTo(60000);

    FullyQualifiedName fqn = new FullyQualifiedName("guest", "hello");
    var admin = h.admin();
    assertThat(admin.listTopics().names().get()).contains(Topics.actionTopic(fqn));
    ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, Topics.actionGroup(fqn));
    Config config = admin.describeConfigs(List.of(group)).all().get().get(group);
    assertThat(config.get("share.auto.offset.reset").value()).isEqualTo("earliest");
  }

  @Test
  void creatingTwiceWithoutOverwriteIsAConflictAndWithOverwriteAnUpdate() throws Exception {
    assertThat(h.createAction("twice", Harness.nodeAction("a")).statusCode()).isEqualTo(200);
    assertError(h.createAction("twice", Harness.nodeAction("b")), 409);
    HttpResponse<String> updated =
        h.call(
            "PUT",
            "/api/v1/namespaces/guest/actions/twice?overwrite=true",
            "{\"limits\":{\"memory\":512}}");
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    JsonNode a = Harness.json(updated);
    assertThat(a.get("version").asText()).isEqualTo("0.0.2");
    assertThat(a.at("/exec/code").asText()).isEqualTo("a");
    assertThat(a.at("/limits/memory").asInt()).isEqualTo(512);
  }

  @Test
  void badRequestsAnswer400WithAnErrorAndNoStackTrace() throws Exception {
    assertError(h.createAction("bad1", "{not json"), 400);
    assertError(h.createAction("bad2", "{\"exec\":{\"kind\":\"cobol\",\"code\":\"x\"}}"), 400);
    assertError(h.createAction("bad%20name%20", Harness.nodeAction("x")), 400);
    assertError(
        h.createAction(
            "bad3", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},\"limits\":{\"memory\":1}}"),
        400);
    assertError(h.createAction("bad4", "{\"limits\":{\"timeout\":1000}}"), 400);
    assertError(h.call("GET", "/api/v1/namespaces/_/actions?limit=x", null), 400);
  }

  @Test
  void aBlackboxOfThePlatformsOwnImagesOrAnImageIdIsRefusedAtCreateAndUpdate() throws Exception {
    String blackbox = "{\"exec\":{\"kind\":\"blackbox\",\"image\":\"%s\"}}";
    for (String image :
        List.of(
            "kwhisk/invoker:latest",
            "docker.io/kwhisk/controller",
            "kwhisk/kafka@sha256:" + "0".repeat(64),
            "bitnami/kafka:3.7",
            "sha256:" + "ab".repeat(32),
            "0123456789ab")) {
      assertError(
          h.createAction("bb-" + Math.abs(image.hashCode()), String.format(blackbox, image)), 400);
    }
    assertThat(
            h.createAction("bb-ok", String.format(blackbox, "openwhisk/dockerskeleton:1.14.0"))
                .statusCode())
        .isEqualTo(200);
    assertError(
        h.call(
            "PUT",
            "/api/v1/namespaces/guest/actions/bb-ok?overwrite=true",
            String.format(blackbox, "kwhisk/controller")),
        400);
  }

  @Test
  void unknownActionsAnswer404() throws Exception {
    assertError(h.call("GET", "/api/v1/namespaces/_/actions/nope", null), 404);
    assertError(h.call("DELETE", "/api/v1/namespaces/_/actions/nope", null), 404);
    assertError(h.call("POST", "/api/v1/namespaces/_/actions/nope", "{}"), 404);
    assertError(h.call("GET", "/api/v1/no/such/path", null), 404);
  }

  @Test
  void missingOrWrongCredentialsAnswer401AndAnotherNamespace403() throws Exception {
    HttpResponse<String> none = h.call("GET", "/api/v1/namespaces/_/actions", null, null);
    assertError(none, 401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    String uuid = h.guest().substring(0, h.guest().indexOf(':'));
    assertError(h.call("GET", "/api/v1/namespaces/_/actions", null, uuid + ":wrongkey"), 401);
    assertError(h.call("GET", "/api/v1/namespaces/_/actions", null, "nobody:key"), 401);
    assertError(h.call("GET", "/api/v1/namespaces/other/actions", null), 403);
    assertError(h.call("PUT", "/api/v1/namespaces/other/actions/x", Harness.nodeAction("x")), 403);
  }

  @Test
  void anotherNamespacesKeySeesOnlyItsOwnActions() throws Exception {
    String other = h.controller().ensureNamespace("other").orElseThrow();
    assertThat(h.controller().ensureNamespace("other")).isEmpty();
    assertThat(h.call("GET", "/api/v1/namespaces/other/actions", null, other).statusCode())
        .isEqualTo(200);
    assertError(h.call("GET", "/api/v1/namespaces/guest/actions", null, other), 403);
    HttpResponse<String> namespaces = h.call("GET", "/api/v1/namespaces", null, other);
    assertThat(namespaces.body()).isEqualTo("[\"other\"]");
  }

  @Test
  void listGetAndDeleteFollowOpenWhisk() throws Exception {
    h.createAction("listed-a", Harness.nodeAction("code-a"));
    h.createAction("listed-b", Harness.nodeAction("code-b"));
    JsonNode list = Harness.json(h.call("GET", "/api/v1/namespaces/_/actions?limit=200", null));
    assertThat(list.findValuesAsText("name")).contains("listed-a", "listed-b");
    assertThat(list.toString()).doesNotContain("code-a");

    JsonNode got = Harness.json(h.call("GET", "/api/v1/namespaces/_/actions/listed-a", null));
    assertThat(got.at("/exec/code").asText()).isEqualTo("code-a");
    JsonNode noCode =
        Harness.json(h.call("GET", "/api/v1/namespaces/_/actions/listed-a?code=false", null));
    assertThat(noCode.at("/exec").has("code")).isFalse();

    HttpResponse<String> deleted = h.call("DELETE", "/api/v1/namespaces/_/actions/listed-a", null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(Harness.json(deleted).get("name").asText()).isEqualTo("listed-a");
    assertError(h.call("GET", "/api/v1/namespaces/_/actions/listed-a", null), 404);
    String topic = Topics.actionTopic(new FullyQualifiedName("guest", "listed-a"));
    // The topic goes once its queue is drained (QueueDrain: at least 5 s as a member of the
    // action's group).
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> !h.admin().listTopics().names().get().contains(topic));
  }

  @Test
  void pingNamespacesAndMetricsAnswer() throws Exception {
    assertThat(h.call("GET", "/ping", null, null).statusCode()).isEqualTo(200);
    assertThat(h.call("GET", "/api/v1/namespaces", null).body()).isEqualTo("[\"guest\"]");
    HttpResponse<String> metrics = h.call("GET", "/metrics", null, null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .as("the JVM's meters, bound by Controller.start")
        .contains("kwhisk_controller_activations", "jvm_memory_used_bytes", "jvm_gc_");
    assertThat(metrics.body())
        .as("the topic readers' consumer meters, bound through ReaderHealth.withClientMeters")
        .containsPattern("kafka_consumer_\\w+\\{[^}]*client_id=\"[^\"]*-entities\"");
    JsonNode summary = Harness.json(h.call("GET", "/api/v1/namespaces/_", null));
    assertThat(summary.has("actions")).isTrue();
  }
}
