package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.annotation;
import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An action behaves as it does on OpenWhisk (issue 12), every hop real: records keep their logs, a
 * container that failed a {@code /run} is replaced, {@code limits.logs} is megabytes, a result too
 * large for a record is a developer error; a python:3 action; the standalone's per-minute limit.
 */
class ActionBehaviourIT {
  @RegisterExtension static final SharedStandalone platform = new SharedStandalone();
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    api = platform.api();
  }

  @Test
  @Timeout(240)
  void aPythonActionOfKindDefaultRunsAsPython3WithItsParametersAndLogs() throws Exception {
    HttpResponse<String> put =
        api.put(
            "snake",
            "{\"exec\":{\"kind\":\"python:default\",\"code\":"
                + Json.encodeString(
                    "import sys\ndef main(args):\n    print('hissing')\n"
                        + "    return {'greeting': 'hello ' + args.get('name', 'world'), 'python': sys.version_info[0]}\n")
                + "}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(json(put).path("exec").path("kind").asText()).isEqualTo("python:3");
    JsonNode record = json(api.post("/actions/snake?blocking=true", "{\"name\":\"kwhisk\"}"));
    assertThat(record.path("response").path("result").path("greeting").asText())
        .as("%s", record)
        .isEqualTo("hello kwhisk");
    assertThat(record.path("response").path("result").path("python").asInt()).isEqualTo(3);
    assertThat(logs(record)).anySatisfy(line -> assertThat(line).contains("hissing"));
  }

  @Test
  @Timeout(60)
  void theStandaloneRaisesTheInvocationsPerMinuteForItsOneUserAndSaysSoInTheLimitsDocument()
      throws Exception {
    JsonNode limits = json(api.get("/limits"));
    assertThat(limits.path("invocationsPerMinute").asInt())
        .as("%s", limits)
        .isEqualTo(Standalone.PER_MINUTE);
  }

  @Test
  @Timeout(240)
  void everyRecordOfALoggingActionCarriesItsLogsWhetherInvokedBlockingOrNot() throws Exception {
    create(
        "logger",
        "function main(p) { console.log('out ' + p.n); console.error('err ' + p.n); return {n: p.n}; }",
        "");
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      boolean blocking = n % 2 == 0;
      HttpResponse<String> r =
          api.post("/actions/logger" + (blocking ? "?blocking=true" : ""), "{\"n\":" + n + "}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(blocking ? 200 : 202);
      JsonNode body = json(r);
      if (blocking) assertThat(logs(body)).as("the blocking answer's record").hasSize(2);
      ids.add(body.path("activationId").asText());
    }
    for (int n = 0; n < ids.size(); n++) {
      String id = ids.get(n);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> api.get("/activations/" + id).statusCode() == 200);
      JsonNode record = json(api.get("/activations/" + id));
      assertThat(logs(record))
          .as("record %d (%s)", n, id)
          .hasSize(2)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .endsWith("stdout: out " + record.path("response").path("result").path("n")))
          .anySatisfy(l -> assertThat(l).contains("stderr: err "));
      assertThat(json(api.get("/activations/" + id + "/logs")).path("logs")).hasSize(2);
    }
  }

  @Test
  @Timeout(240)
  void aContainerWhoseRunAnsweredAnErrorIsReplacedByAFreshOne() throws Exception {
    create(
        "fragile",
        "let runs = 0;"
            + " function main(p) { runs++; if (p.fail) throw new Error('broken'); return {runs: runs}; }",
        "");
    JsonNode first = json(api.post("/actions/fragile?blocking=true", "{}"));
    assertThat(first.path("response").path("result").path("runs").asInt()).isEqualTo(1);

    HttpResponse<String> failed = api.post("/actions/fragile?blocking=true", "{\"fail\":true}");
    assertThat(failed.statusCode()).isEqualTo(502);
    JsonNode failure = json(failed);
    assertThat(failure.path("response").path("status").asText())
        .isEqualTo("action developer error");
    assertThat(failure.path("response").path("result").path("error").asText()).contains("broken");

    JsonNode next = json(api.post("/actions/fragile?blocking=true", "{}"));
    assertThat(next.path("response").path("result").path("runs").asInt())
        .as("a fresh container ran it: %s", next)
        .isEqualTo(1);
    assertThat(annotation(next, "initTime")).as("a cold start").isNotNull();
  }

  @Test
  @Timeout(240)
  void theLogLimitIsInMegabytes() throws Exception {
    create(
        "chatty",
        "function main() { for (let i = 0; i < 400; i++) console.log(i + ' ' + 'x'.repeat(100));"
            + " return {}; }",
        "");
    JsonNode record = json(api.post("/actions/chatty?blocking=true", "{}"));
    assertThat(logs(record))
        .as("40 KB of logs are under the default 10 MB")
        .hasSize(400)
        .noneSatisfy(l -> assertThat(l).startsWith("Logs were truncated"));

    create(
        "chatty-1mb",
        "function main() { for (let i = 0; i < 15000; i++) console.log(i + ' ' + 'x'.repeat(100));"
            + " return {}; }",
        ",\"limits\":{\"logs\":1}");
    List<String> cut = logs(json(api.post("/actions/chatty-1mb?blocking=true", "{}")));
    assertThat(cut.get(cut.size() - 1)).startsWith("Logs were truncated");
    assertThat(String.join("\n", cut).length()).isBetween(900 * 1024, 1024 * 1024);

    HttpResponse<String> tooMuch =
        api.put(
            "chatty-11mb",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"}," + "\"limits\":{\"logs\":11}}");
    assertThat(tooMuch.statusCode()).isEqualTo(400);
    assertThat(json(tooMuch).path("error").asText()).contains("between 0 and 10 MB");
    assertThat(json(tooMuch).path("code").asText()).isNotBlank();
    assertThat(json(api.get("/actions/chatty")).path("limits").path("logs").asInt()).isEqualTo(10);
  }

  @Test
  @Timeout(240)
  void aResultTooLargeForARecordIsADeveloperErrorGivingItsSize() throws Exception {
    create("huge", "function main() { return {big: 'x'.repeat(2 * 1024 * 1024)}; }", "");
    HttpResponse<String> r = api.post("/actions/huge?blocking=true", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    JsonNode response = json(r).path("response");
    assertThat(response.path("status").asText()).isEqualTo("action developer error");
    assertThat(response.path("result").path("error").asText())
        .matches(
            "The action produced a response that exceeded the allowed length: 2097162 > \\d+ bytes\\.");

    create("enormous", "function main() { return {big: 'x'.repeat(9 * 1024 * 1024)}; }", "");
    JsonNode enormous = json(api.post("/actions/enormous?blocking=true", "{}")).path("response");
    assertThat(enormous.path("result").path("error").asText())
        .as("an answer above what the invoker reads")
        .matches(
            "The action produced a response that exceeded the allowed length: "
                + "(more than )?\\d+ > \\d+ bytes\\.");

    String id = json(api.post("/actions/huge", "{}")).path("activationId").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.get("/activations/" + id).statusCode() == 200);
    assertThat(json(api.get("/activations/" + id)).path("response").path("statusCode").asInt())
        .isEqualTo(2);
  }

  @Test
  @Timeout(240)
  void anArrayReachesTheActionAsItIsAndAnArrayResultIsASuccess(@TempDir Path context)
      throws Exception {
    String image = EchoRuntime.build(context);
    HttpResponse<String> created =
        api.put(
            "echo",
            "{\"exec\":{\"kind\":\"blackbox\",\"image\":\""
                + image
                + "\"},"
                + "\"parameters\":[{\"key\":\"default\",\"value\":1}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    HttpResponse<String> r = api.post("/actions/echo?blocking=true", "[1,\"two\",{\"three\":3}]");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode response = json(r).path("response");
    assertThat(response.path("status").asText()).isEqualTo("success");
    assertThat(response.path("result").toString()).isEqualTo("[1,\"two\",{\"three\":3}]");
    assertThat(json(api.post("/actions/echo?blocking=true&result=true", "{\"x\":2}")).toString())
        .as("an object still gets the defaults")
        .isEqualTo("{\"default\":1,\"x\":2}");
    HttpResponse<String> scalar = api.post("/actions/echo?blocking=true", "42");
    assertThat(scalar.statusCode()).isEqualTo(400);
    assertThat(json(scalar).path("code").asText()).isNotBlank();
  }

  private static void create(String name, String code, String more) throws Exception {
    HttpResponse<String> r =
        api.put(
            name,
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.encodeString(code)
                + "}"
                + more
                + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static List<String> logs(JsonNode record) {
    List<String> lines = new ArrayList<>();
    record.path("logs").forEach(l -> lines.add(l.asText()));
    return lines;
  }
}
