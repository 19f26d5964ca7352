package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.annotation;
import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenWhisk's programming model beyond single actions (issue 11), every hop real (broker, invoker, containers):
 * packages and bindings.
 */
class ProgrammingModelIT {
  @TempDir static Path dataDir;
  static Standalone standalone;
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    standalone = Standalone.start(ConfigSource.fromEnvironment(Map.of(
        "kwhisk.standalone.data-dir", dataDir.toString(),
        "kwhisk.controller.port", "0",
        "kwhisk.invoker.keep-alive", "30s")));
    api = new WhiskApi(standalone);
  }

  @AfterAll
  static void stop() {
    if (standalone != null) standalone.close();
  }

  @Test
  @Timeout(240)
  void anActionInvokedThroughABindingGetsPackageThenBindingThenActionThenInvokeParameters() throws Exception {
    ok(api.call("PUT", "/packages/greet", "{\"parameters\":[{\"key\":\"greeting\",\"value\":\"hello\"},"
        + "{\"key\":\"punct\",\"value\":\".\"},{\"key\":\"name\",\"value\":\"package\"}]}"));
    ok(api.call("PUT", "/actions/greet/hi", "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":" + Json.encodeString(
        "function main(p) { return {msg: p.greeting + ' ' + p.name + p.punct}; }") + "},"
        + "\"parameters\":[{\"key\":\"punct\",\"value\":\"!\"}]}"));
    ok(api.call("PUT", "/packages/greet-fr", "{\"binding\":{\"namespace\":\"_\",\"name\":\"greet\"},"
        + "\"parameters\":[{\"key\":\"greeting\",\"value\":\"bonjour\"},{\"key\":\"punct\",\"value\":\"?\"}]}"));

    assertThat(json(api.post("/actions/greet/hi?blocking=true&result=true", "{}")).path("msg").asText())
        .isEqualTo("hello package!");
    HttpResponse<String> viaBinding = api.post("/actions/greet-fr/hi?blocking=true", "{\"name\":\"kwhisk\"}");
    assertThat(viaBinding.statusCode()).as(viaBinding.body()).isEqualTo(200);
    JsonNode record = json(viaBinding);
    assertThat(record.path("response").path("result").path("msg").asText()).isEqualTo("bonjour kwhisk!");
    assertThat(record.path("name").asText()).isEqualTo("hi");
    assertThat(record.path("namespace").asText()).isEqualTo(standalone.namespace());
    assertThat(annotation(record, "path").asText()).isEqualTo(standalone.namespace() + "/greet/hi");
    String id = record.path("activationId").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/activations/" + id).statusCode() == 200);

    assertThat(api.call("DELETE", "/packages/greet", null).statusCode()).isEqualTo(409);
    ok(api.call("DELETE", "/packages/greet-fr", null));
    ok(api.call("DELETE", "/packages/greet?force=true", null));
    assertThat(api.post("/actions/greet/hi", "{}").statusCode()).isEqualTo(404);
  }

  static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }
}
