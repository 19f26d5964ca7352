package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.annotation;
import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime laid out as Apache OpenWhisk's nodejs runtime ({@link OpenWhiskNodeRuntime}: express,
 * {@code app.js}, a service that stops for good after an action threw and answers later {@code
 * /run}s with 403) runs unchanged as a blackbox action through the normal API (issue 12): its
 * result, its logs up to OpenWhisk's sentinels, the activation's context in its environment, and a
 * fresh container after an action threw.
 */
class OpenWhiskRuntimeIT {
  @TempDir static Path context;
  static String image;
  @RegisterExtension static final SharedStandalone platform = new SharedStandalone();
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    image = OpenWhiskNodeRuntime.build(context);
    api = platform.api();
  }

  @Test
  @Timeout(180)
  void anActionRunsInTheOpenWhiskLayoutWithItsResultLogsAndContext() throws Exception {
    create(
        "greeter",
        "function main(p) { console.log('hello from ' + p.name); console.error('to stderr');"
            + " return {greeting: 'hi ' + p.name, activation: process.env.__OW_ACTIVATION_ID,"
            + " action: process.env.__OW_ACTION_NAME}; }");
    HttpResponse<String> r = api.post("/actions/greeter?blocking=true", "{\"name\":\"kwhisk\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode record = json(r);
    JsonNode result = record.path("response").path("result");
    assertThat(result.path("greeting").asText()).isEqualTo("hi kwhisk");
    assertThat(result.path("activation").asText()).isEqualTo(record.path("activationId").asText());
    assertThat(result.path("action").asText()).endsWith("/greeter");
    assertThat(logs(record))
        .hasSize(2)
        .anySatisfy(l -> assertThat(l).endsWith("stdout: hello from kwhisk"))
        .anySatisfy(l -> assertThat(l).endsWith("stderr: to stderr"));
    assertThat(logs(record))
        .noneSatisfy(l -> assertThat(l).contains("XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"));
  }

  @Test
  @Timeout(180)
  void anActionThatThrowsIsADeveloperErrorAndTheNextCallRunsInAFreshContainer() throws Exception {
    create(
        "fragile",
        "let runs = 0;"
            + " function main(p) { runs++; if (p.fail) throw new Error('broken'); return {runs: runs}; }");
    JsonNode first = json(api.post("/actions/fragile?blocking=true", "{}"));
    assertThat(first.path("response").path("result").path("runs").asInt())
        .as("%s", first)
        .isEqualTo(1);

    HttpResponse<String> failed = api.post("/actions/fragile?blocking=true", "{\"fail\":true}");
    assertThat(failed.statusCode()).isEqualTo(502);
    JsonNode failure = json(failed).path("response");
    assertThat(failure.path("status").asText()).isEqualTo("action developer error");
    assertThat(failure.path("result").path("error").asText())
        .contains("An error has occurred: Error: broken");

    // The runtime now answers every /run with 403; kwhisk must not give it the next activation.
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> next = api.post("/actions/fragile?blocking=true", "{}");
      assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
      JsonNode record = json(next);
      if (i == 0) {
        assertThat(record.path("response").path("result").path("runs").asInt())
            .as("a fresh container")
            .isEqualTo(1);
        assertThat(annotation(record, "initTime")).as("a cold start").isNotNull();
      }
    }
  }

  private static void create(String name, String code) throws Exception {
    HttpResponse<String> r =
        api.put(
            name,
            "{\"exec\":{\"kind\":\"blackbox\",\"image\":\""
                + image
                + "\",\"code\":"
                + Json.encodeString(code)
                + "}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static List<String> logs(JsonNode record) {
    List<String> lines = new ArrayList<>();
    record.path("logs").forEach(l -> lines.add(l.asText()));
    return lines;
  }
}
