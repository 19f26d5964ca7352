package io.kwhisk.controller.api.packages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Packages and bindings through the REST API, as OpenWhisk answers them; the test plays the invoker
 * where an activation is needed (its message on the action's topic shows the parameters the action
 * would get).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PackagesIT {
  static final String NS = "/api/v1/namespaces/_";
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void aPackageIsCreatedListedCountedAndReadWithItsActions() throws Exception {
    HttpResponse<String> created =
        h.call(
            "PUT",
            NS + "/packages/utils",
            "{\"parameters\":[{\"key\":\"greeting\",\"value\":\"hi\"}],\"annotations\":[{\"key\":\"note\",\"value\":1}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(Harness.json(created).path("binding").isObject()).isTrue();
    assertThat(Harness.json(created).path("binding").isEmpty()).isTrue();
    assertThat(h.call("PUT", NS + "/packages/utils", "{}").statusCode())
        .as("no overwrite")
        .isEqualTo(409);
    assertThat(
            h.call("PUT", NS + "/packages/utils?overwrite=true", "{\"publish\":true}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> reserved = h.call("PUT", NS + "/packages/default", "{}");
    assertThat(reserved.statusCode()).isEqualTo(400);
    assertThat(Harness.json(reserved).path("error").asText())
        .isEqualTo("Package name 'default' is reserved.");

    HttpResponse<String> action = h.createAction("utils/echo", Harness.nodeAction("code"));
    assertThat(action.statusCode()).as(action.body()).isEqualTo(200);
    assertThat(Harness.json(action).path("namespace").asText()).isEqualTo("guest/utils");
    assertThat(Harness.json(action).path("name").asText()).isEqualTo("echo");

    JsonNode pkg = Harness.json(h.call("GET", NS + "/packages/utils", null));
    assertThat(pkg.path("publish").asBoolean()).isTrue();
    assertThat(pkg.path("version").asText()).as("an update raises the patch").isEqualTo("0.0.2");
    assertThat(pkg.path("parameters").get(0).path("key").asText()).isEqualTo("greeting");
    assertThat(pkg.path("actions"))
        .extracting(a -> a.path("name").asText())
        .containsExactly("echo");
    assertThat(names(h.call("GET", NS + "/packages", null))).contains("utils");
    assertThat(
            Harness.json(h.call("GET", NS + "/packages?count=true", null)).path("packages").asInt())
        .isPositive();
    assertThat(names(h.call("GET", NS + "/actions/utils/", null))).containsExactly("echo");
    assertThat(
            Harness.json(h.call("GET", NS + "/actions/utils/echo", null))
                .path("parameters")
                .get(0)
                .path("key")
                .asText())
        .as("the package's parameters show in the action")
        .isEqualTo("greeting");
    assertThat(h.call("GET", NS + "/packages/nothing", null).statusCode()).isEqualTo(404);
  }

  @Test
  void deletingAPackageThatHoldsActionsAnswers409UnlessForced() throws Exception {
    assertThat(h.call("PUT", NS + "/packages/full", "{}").statusCode()).isEqualTo(200);
    assertThat(h.createAction("full/one", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    assertThat(h.createAction("full/two", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = h.call("DELETE", NS + "/packages/full", null);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(Harness.json(refused).path("error").asText())
        .isEqualTo("Package not empty (contains 2 entities)");
    assertThat(h.call("DELETE", NS + "/actions/full/two", null).statusCode()).isEqualTo(200);
    assertThat(Harness.json(h.call("DELETE", NS + "/packages/full", null)).path("error").asText())
        .isEqualTo("Package not empty (contains 1 entity)");

    assertThat(h.call("DELETE", NS + "/packages/full?force=true", null).statusCode())
        .isEqualTo(200);
    assertThat(h.call("GET", NS + "/packages/full", null).statusCode()).isEqualTo(404);
    assertThat(h.call("GET", NS + "/actions/full/one", null).statusCode()).isEqualTo(404);
  }

  @Test
  void actionsCannotBeCreatedInAMissingPackageOrInABinding() throws Exception {
    assertThat(h.createAction("ghost/a", Harness.nodeAction("x")).statusCode()).isEqualTo(404);
    assertThat(h.call("PUT", NS + "/packages/base", "{}").statusCode()).isEqualTo(200);
    assertThat(
            h.call(
                    "PUT",
                    NS + "/packages/bound",
                    "{\"binding\":{\"namespace\":\"_\",\"name\":\"base\"}}")
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> inBinding = h.createAction("bound/a", Harness.nodeAction("x"));
    assertThat(inBinding.statusCode()).isEqualTo(400);
    assertThat(Harness.json(inBinding).path("error").asText())
        .isEqualTo("Operation not permitted on package binding.");
    HttpResponse<String> toBinding =
        h.call(
            "PUT",
            NS + "/packages/bound2",
            "{\"binding\":{\"namespace\":\"_\",\"name\":\"bound\"}}");
    assertThat(Harness.json(toBinding).path("error").asText())
        .isEqualTo("Cannot bind to another package binding.");
    HttpResponse<String> missing =
        h.call(
            "PUT",
            NS + "/packages/bound3",
            "{\"binding\":{\"namespace\":\"_\",\"name\":\"missing\"}}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(Harness.json(missing).path("error").asText())
        .isEqualTo("Binding references a package that does not exist.");
    HttpResponse<String> convert =
        h.call(
            "PUT",
            NS + "/packages/base?overwrite=true",
            "{\"binding\":{\"namespace\":\"_\",\"name\":\"bound\"}}");
    assertThat(convert.statusCode()).isEqualTo(409);
    assertThat(h.call("PUT", NS + "/packages/bad", "{\"binding\":\"base\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void
      invokingThroughABindingOfAnotherNamespacesPublicPackageLayersPackageBindingActionAndInvokeParameters()
          throws Exception {
    String other = h.controller().ensureNamespace("provider").orElseThrow();
    String pns = "/api/v1/namespaces/_";
    assertThat(
            h.call(
                    "PUT",
                    pns + "/packages/lib",
                    "{\"publish\":true,\"parameters\":["
                        + "{\"key\":\"a\",\"value\":\"package\"},{\"key\":\"b\",\"value\":\"package\"},"
                        + "{\"key\":\"c\",\"value\":\"package\"},{\"key\":\"d\",\"value\":\"package\"}]}",
                    other)
                .statusCode())
        .isEqualTo(200);
    assertThat(h.call("PUT", pns + "/packages/secret", "{}", other).statusCode()).isEqualTo(200);
    assertThat(
            h.call(
                    "PUT",
                    pns + "/actions/lib/tool",
                    "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},"
                        + "\"parameters\":[{\"key\":\"c\",\"value\":\"action\"},{\"key\":\"d\",\"value\":\"action\"}]}",
                    other)
                .statusCode())
        .isEqualTo(200);

    assertThat(
            h.call(
                    "PUT",
                    NS + "/packages/mine",
                    "{\"binding\":{\"namespace\":\"provider\",\"name\":\"secret\"}}")
                .statusCode())
        .as("a private package of another namespace")
        .isEqualTo(403);
    assertThat(h.call("GET", "/api/v1/namespaces/provider/packages/secret", null).statusCode())
        .isEqualTo(403);
    assertThat(names(h.call("GET", "/api/v1/namespaces/provider/packages", null)))
        .containsExactly("lib");
    assertThat(h.call("GET", "/api/v1/namespaces/provider/packages/lib", null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> bound =
        h.call(
            "PUT",
            NS + "/packages/mylib",
            "{\"binding\":{\"namespace\":\"provider\","
                + "\"name\":\"lib\"},\"parameters\":[{\"key\":\"b\",\"value\":\"binding\"},{\"key\":\"c\",\"value\":\"binding\"},"
                + "{\"key\":\"d\",\"value\":\"binding\"}]}");
    assertThat(bound.statusCode()).as(bound.body()).isEqualTo(200);
    assertThat(annotations(Harness.json(bound)).get("binding").path("namespace").asText())
        .isEqualTo("provider");
    JsonNode view = Harness.json(h.call("GET", NS + "/packages/mylib", null));
    assertThat(view.path("actions"))
        .extracting(a -> a.path("name").asText())
        .containsExactly("tool");

    h.heartbeat(1, Map.of());
    FullyQualifiedName tool = new FullyQualifiedName("provider", "lib/tool");
    try (KafkaConsumer<String, byte[]> topic = h.reader(Topics.actionTopic(tool))) {
      HttpResponse<String> invoked =
          h.call("POST", NS + "/actions/mylib/tool", "{\"d\":\"invoke\"}");
      assertThat(invoked.statusCode()).as(invoked.body()).isEqualTo(202);
      ActivationMessage message =
          Json.decode(
              Harness.awaitRecord(topic, Harness.json(invoked).path("activationId").asText())
                  .value(),
              ActivationMessage.class);
      assertThat(message.params().toString())
          .isEqualTo("{\"a\":\"package\",\"b\":\"binding\",\"c\":\"action\",\"d\":\"invoke\"}");
      assertThat(message.action()).isEqualTo(tool);
      assertThat(message.recordNamespace()).as("the caller's record").isEqualTo("guest");
      assertThat(message.recordName()).isEqualTo("tool");
      assertThat(message.binding()).as("its record's binding annotation").isEqualTo("guest/mylib");
    }

    try (KafkaConsumer<String, byte[]> topic = h.reader(Topics.actionTopic(tool))) {
      String shared = "/api/v1/namespaces/provider/actions/lib/tool";
      HttpResponse<String> read = h.call("GET", shared, null);
      assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
      assertThat(Harness.json(read).path("namespace").asText()).isEqualTo("provider/lib");
      HttpResponse<String> invoked = h.call("POST", shared, "{\"d\":\"direct\"}");
      assertThat(invoked.statusCode())
          .as("a public package's action is invoked in place: " + invoked.body())
          .isEqualTo(202);
      ActivationMessage message =
          Json.decode(
              Harness.awaitRecord(topic, Harness.json(invoked).path("activationId").asText())
                  .value(),
              ActivationMessage.class);
      assertThat(message.params().toString())
          .isEqualTo("{\"a\":\"package\",\"b\":\"package\",\"c\":\"action\",\"d\":\"direct\"}");
      assertThat(message.recordNamespace()).as("the caller's record").isEqualTo("guest");
      assertThat(message.binding()).as("no binding named").isNull();
    }
    assertThat(
            h.call(
                    "PUT",
                    pns + "/actions/secret/hidden",
                    "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}}",
                    other)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            h.call("POST", "/api/v1/namespaces/provider/actions/secret/hidden", "{}").statusCode())
        .as("an action of another namespace's private package")
        .isEqualTo(403);
    assertThat(
            h.call("GET", "/api/v1/namespaces/provider/actions/secret/hidden", null).statusCode())
        .isEqualTo(403);

    assertThat(
            h.call("PUT", pns + "/packages/lib?overwrite=true", "{\"publish\":false}", other)
                .statusCode())
        .isEqualTo(200);
    assertThat(h.call("POST", NS + "/actions/mylib/tool", "{}").statusCode())
        .as("the package is private now")
        .isEqualTo(403);
    assertThat(h.call("POST", "/api/v1/namespaces/provider/actions/lib/tool", "{}").statusCode())
        .isEqualTo(403);
  }

  @Test
  void packagesBindingsAndTheirActionsSurviveAControllerRestart() throws Exception {
    try (Harness own = Harness.start(Map.of())) {
      assertThat(
              own.call(
                      "PUT",
                      NS + "/packages/kept",
                      "{\"parameters\":[{\"key\":\"k\",\"value\":1}]}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(own.createAction("kept/act", Harness.nodeAction("kept-code")).statusCode())
          .isEqualTo(200);
      assertThat(
              own.call(
                      "PUT",
                      NS + "/packages/alias",
                      "{\"binding\":{\"namespace\":\"_\",\"name\":\"kept\"}}")
                  .statusCode())
          .isEqualTo(200);
      own.stopController();
      own.startController();
      assertThat(
              Harness.json(own.call("GET", NS + "/actions/kept/act", null))
                  .path("exec")
                  .path("code")
                  .asText())
          .isEqualTo("kept-code");
      JsonNode alias = Harness.json(own.call("GET", NS + "/packages/alias", null));
      assertThat(alias.path("binding").path("name").asText()).isEqualTo("kept");
      assertThat(alias.path("actions"))
          .extracting(a -> a.path("name").asText())
          .containsExactly("act");
      assertThat(
              Harness.json(own.call("GET", NS + "/actions/alias/act", null))
                  .path("parameters")
                  .get(0)
                  .path("key")
                  .asText())
          .isEqualTo("k");
    }
  }

  private static List<String> names(HttpResponse<String> response) {
    List<String> out = new ArrayList<>();
    Harness.json(response).forEach(e -> out.add(e.path("name").asText()));
    return out;
  }

  private static Map<String, JsonNode> annotations(JsonNode doc) {
    Map<String, JsonNode> out = new java.util.HashMap<>();
    doc.path("annotations").forEach(kv -> out.put(kv.path("key").asText(), kv.path("value")));
    return out;
  }
}
