package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.annotation;
import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenWhisk's programming model beyond single actions (issue 11), every hop real (broker, invoker,
 * containers): packages and bindings, sequences, triggers and rules, web actions, the alarms feed.
 */
class ProgrammingModelIT {
  @RegisterExtension static final SharedStandalone platform = new SharedStandalone();
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    api = platform.api();
  }

  @Test
  @Timeout(240)
  void anActionInvokedThroughABindingGetsPackageThenBindingThenActionThenInvokeParameters()
      throws Exception {
    ok(
        api.call(
            "PUT",
            "/packages/greet",
            "{\"parameters\":[{\"key\":\"greeting\",\"value\":\"hello\"},"
                + "{\"key\":\"punct\",\"value\":\".\"},{\"key\":\"name\",\"value\":\"package\"}]}"));
    ok(
        api.call(
            "PUT",
            "/actions/greet/hi",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.encodeString(
                    "function main(p) { return {msg: p.greeting + ' ' + p.name + p.punct}; }")
                + "},"
                + "\"parameters\":[{\"key\":\"punct\",\"value\":\"!\"}]}"));
    ok(
        api.call(
            "PUT",
            "/packages/greet-fr",
            "{\"binding\":{\"namespace\":\"_\",\"name\":\"greet\"},"
                + "\"parameters\":[{\"key\":\"greeting\",\"value\":\"bonjour\"},{\"key\":\"punct\",\"value\":\"?\"}]}"));

    assertThat(
            json(api.post("/actions/greet/hi?blocking=true&result=true", "{}"))
                .path("msg")
                .asText())
        .isEqualTo("hello package!");
    HttpResponse<String> viaBinding =
        api.post("/actions/greet-fr/hi?blocking=true", "{\"name\":\"kwhisk\"}");
    assertThat(viaBinding.statusCode()).as(viaBinding.body()).isEqualTo(200);
    JsonNode record = json(viaBinding);
    assertThat(record.path("response").path("result").path("msg").asText())
        .isEqualTo("bonjour kwhisk!");
    assertThat(record.path("name").asText()).isEqualTo("hi");
    assertThat(record.path("namespace").asText()).isEqualTo(api.namespace());
    assertThat(annotation(record, "path").asText()).isEqualTo(api.namespace() + "/greet/hi");
    String id = record.path("activationId").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/activations/" + id).statusCode() == 200);

    assertThat(api.call("DELETE", "/packages/greet", null).statusCode()).isEqualTo(409);
    ok(api.call("DELETE", "/packages/greet-fr", null));
    ok(api.call("DELETE", "/packages/greet?force=true", null));
    assertThat(api.post("/actions/greet/hi", "{}").statusCode()).isEqualTo(404);
  }

  @Test
  @Timeout(240)
  void aSequenceOfThreeActionsPassesEachResultOnAndRecordsItsComponents() throws Exception {
    node(
        "seq-add",
        "function main(p) { return {n: p.n + p.step}; }",
        "[{\"key\":\"step\",\"value\":10}]");
    node("seq-double", "function main(p) { return {n: p.n * 2}; }", "[]");
    ok(api.call("PUT", "/packages/seqpkg", "{}"));
    node("seqpkg/square", "function main(p) { return {n: p.n * p.n}; }", "[]");
    JsonNode created =
        ok(
            api.call(
                "PUT",
                "/actions/calc",
                "{\"exec\":{\"kind\":\"sequence\",\"components\":"
                    + "[\"/_/seq-add\",\"/_/seq-double\",\"/_/seqpkg/square\"]}}"));
    assertThat(created.path("exec").path("components").get(2).asText())
        .isEqualTo("/" + api.namespace() + "/seqpkg/square");

    HttpResponse<String> blocking = api.post("/actions/calc?blocking=true", "{\"n\":1}");
    assertThat(blocking.statusCode()).as(blocking.body()).isEqualTo(200);
    JsonNode record = json(blocking);
    assertThat(record.path("response").path("result").path("n").asInt()).isEqualTo(484);
    assertThat(annotation(record, "kind").asText()).isEqualTo("sequence");
    assertThat(annotation(record, "topmost").asBoolean()).isTrue();
    assertThat(record.path("logs")).hasSize(3);
    String sequenceId = record.path("activationId").asText();
    for (JsonNode component : record.path("logs")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> api.get("/activations/" + component.asText()).statusCode() == 200);
      assertThat(json(api.get("/activations/" + component.asText())).path("cause").asText())
          .isEqualTo(sequenceId);
    }
    assertThat(
            json(api.get("/activations/" + record.path("logs").get(2).asText()))
                .path("name")
                .asText())
        .isEqualTo("square");

    String id = json(api.post("/actions/calc", "{\"n\":2}")).path("activationId").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> api.get("/activations/" + id).statusCode() == 200);
    assertThat(
            json(api.get("/activations/" + id)).path("response").path("result").path("n").asInt())
        .isEqualTo(576);

    ok(
        api.call(
            "PUT",
            "/actions/calc-twice",
            "{\"exec\":{\"kind\":\"sequence\",\"components\":"
                + "[\"/_/calc\",\"/_/seq-double\"]}}"));
    JsonNode nested = json(api.post("/actions/calc-twice?blocking=true", "{\"n\":1}"));
    assertThat(nested.path("response").path("result").path("n").asInt()).isEqualTo(968);
    String inner = nested.path("logs").get(0).asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/activations/" + inner).statusCode() == 200);
    JsonNode innerRecord = json(api.get("/activations/" + inner));
    assertThat(innerRecord.path("cause").asText()).isEqualTo(nested.path("activationId").asText());
    assertThat(annotation(innerRecord, "causedBy").asText()).isEqualTo("sequence");
    assertThat(innerRecord.path("logs")).hasSize(3);

    HttpResponse<String> cyclic =
        api.call(
            "PUT",
            "/actions/calc?overwrite=true",
            "{\"exec\":{\"kind\":" + "\"sequence\",\"components\":[\"/_/calc-twice\"]}}");
    assertThat(cyclic.statusCode()).isEqualTo(400);
    assertThat(json(cyclic).path("error").asText()).isEqualTo("Sequence may not refer to itself.");
  }

  @Test
  @Timeout(240)
  void aSequenceStopsAtTheFirstComponentThatFails() throws Exception {
    node("seq-fail", "function main(p) { return {error: 'stopped at ' + p.n}; }", "[]");
    node("seq-never", "function main(p) { return {reached: true}; }", "[]");
    ok(
        api.call(
            "PUT",
            "/actions/failing",
            "{\"exec\":{\"kind\":\"sequence\",\"components\":"
                + "[\"/_/seq-fail\",\"/_/seq-never\"]}}"));
    HttpResponse<String> r = api.post("/actions/failing?blocking=true", "{\"n\":7}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    JsonNode record = json(r);
    assertThat(record.path("response").path("result").path("error").asText())
        .isEqualTo("stopped at 7");
    assertThat(record.path("logs")).hasSize(1);
  }

  @Test
  @Timeout(240)
  void aTriggerWithTwoRulesRunsBothActionsWithTheFiresParametersAndListsTheirActivations()
      throws Exception {
    node("on-tick-a", "function main(p) { return {a: p.n + 1, src: p.source}; }", "[]");
    node("on-tick-b", "function main(p) { return {b: p.n * 10}; }", "[]");
    ok(
        api.call(
            "PUT", "/triggers/tick", "{\"parameters\":[{\"key\":\"source\",\"value\":\"tick\"}]}"));
    ok(api.call("PUT", "/rules/tick-a", "{\"trigger\":\"/_/tick\",\"action\":\"/_/on-tick-a\"}"));
    ok(api.call("PUT", "/rules/tick-b", "{\"trigger\":\"/_/tick\",\"action\":\"/_/on-tick-b\"}"));

    HttpResponse<String> fired = api.post("/triggers/tick", "{\"n\":4}");
    assertThat(fired.statusCode()).as(fired.body()).isEqualTo(202);
    String triggerId = json(fired).path("activationId").asText();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> api.get("/activations/" + triggerId).statusCode() == 200);
    JsonNode record = json(api.get("/activations/" + triggerId));
    assertThat(record.path("name").asText()).isEqualTo("tick");
    assertThat(record.path("logs")).hasSize(2);
    StringBuilder results = new StringBuilder();
    for (JsonNode line : record.path("logs")) {
      String id = Json.MAPPER.readTree(line.asText()).path("activationId").asText();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> api.get("/activations/" + id).statusCode() == 200);
      results.append(json(api.get("/activations/" + id)).path("response").path("result"));
    }
    assertThat(results.toString()).contains("\"a\":5", "\"src\":\"tick\"", "\"b\":40");

    ok(api.call("POST", "/rules/tick-a", "{\"status\":\"inactive\"}"));
    ok(api.call("POST", "/rules/tick-b", "{\"status\":\"inactive\"}"));
    assertThat(api.post("/triggers/tick", "{}").statusCode()).isEqualTo(204);
  }

  @Test
  @Timeout(240)
  void webActionsAnswerHtmlRedirectsAndJsonWithTheRequestAsParameters() throws Exception {
    web(
        "page",
        "function main(p) { return {body: '<h1>hello ' + (p.name || 'web') + '</h1>'}; }",
        "",
        "");
    web(
        "go",
        "function main(p) { return {statusCode: 302, headers: {location: 'https://example.org/next'}}; }",
        "",
        "");
    web(
        "echo",
        "function main(p) { return {method: p.__ow_method, path: p.__ow_path, q: p.q, n: p.n,"
            + " type: p.__ow_headers['content-type'], fixed: p.fixed}; }",
        ",{\"key\":\"final\",\"value\":true}",
        "{\"key\":\"fixed\",\"value\":1}");
    web(
        "guarded", "function main(p) { return {ok: true}; }",
        ",{\"key\":\"require-whisk-auth\",\"value\":\"s3cret\"}", "");
    node("hidden", "function main(p) { return {}; }", "[]");
    String base = api.apiHost() + "/api/v1/web/" + api.namespace() + "/default/";

    HttpResponse<String> html =
        send(HttpRequest.newBuilder(URI.create(base + "page.html?name=kwhisk")).GET());
    assertThat(html.statusCode()).as(html.body()).isEqualTo(200);
    assertThat(html.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(html.body()).isEqualTo("<h1>hello kwhisk</h1>");
    assertThat(html.headers().firstValue("access-control-allow-origin")).hasValue("*");

    HttpResponse<String> redirect = send(HttpRequest.newBuilder(URI.create(base + "go")).GET());
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("location")).hasValue("https://example.org/next");

    HttpResponse<String> echoed =
        send(
            HttpRequest.newBuilder(URI.create(base + "echo.json/some/path?q=1"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\":2}")));
    assertThat(echoed.statusCode()).as(echoed.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(echoed.body()).toString())
        .isEqualTo(
            "{\"method\":\"post\",\"path\":\"/some/path\",\"q\":\"1\",\"n\":2,\"type\":\"application/json\",\"fixed\":1}");
    assertThat(
            send(HttpRequest.newBuilder(URI.create(base + "echo.json?fixed=2")).GET()).statusCode())
        .as("a final parameter")
        .isEqualTo(400);

    assertThat(send(HttpRequest.newBuilder(URI.create(base + "guarded.json")).GET()).statusCode())
        .isEqualTo(401);
    assertThat(
            send(HttpRequest.newBuilder(URI.create(base + "guarded.json"))
                    .header("X-Require-Whisk-Auth", "s3cret")
                    .GET())
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(URI.create(base + "guarded.json"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("access-control-allow-methods").orElse(""))
        .contains("POST");

    HttpResponse<String> notWeb =
        send(HttpRequest.newBuilder(URI.create(base + "hidden.json")).GET());
    assertThat(notWeb.statusCode()).isEqualTo(404);
    assertThat(json(notWeb).path("code").asText()).isNotBlank();
  }

  @Test
  @Timeout(240)
  void anAlarmFiringEverySecondRunsItsRuleForFiveSecondsUntilItsTriggerIsDeleted()
      throws Exception {
    node("on-alarm", "function main(p) { return {from: p.from}; }", "[]");
    ok(
        api.call(
            "PUT",
            "/triggers/every-second",
            "{\"annotations\":[{\"key\":\"feed\","
                + "\"value\":\"/whisk.system/alarms/alarm\"}],\"parameters\":[{\"key\":\"cron\",\"value\":\"* * * * * *\"},"
                + "{\"key\":\"trigger_payload\",\"value\":{\"from\":\"alarm\"}}]}"));
    ok(
        api.call(
            "PUT", "/rules/alarm-rule", "{\"trigger\":\"every-second\",\"action\":\"on-alarm\"}"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> json(api.get("/activations?name=on-alarm&limit=50")).size() >= 5);
    JsonNode first = json(api.get("/activations?name=on-alarm&limit=50")).get(0);
    String id = first.path("activationId").asText();
    assertThat(
            json(api.get("/activations/" + id))
                .path("response")
                .path("result")
                .path("from")
                .asText())
        .isEqualTo("alarm");
    ok(api.call("DELETE", "/triggers/every-second", null));
    JsonNode fires = json(api.get("/activations?name=every-second&limit=200"));
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> json(api.get("/activations?name=every-second&limit=200")).size() == fires.size());
  }

  /**
   * A web-exported nodejs action with more annotations and parameters (JSON array entries, may be
   * empty).
   */
  static void web(String name, String code, String annotations, String parameters)
      throws Exception {
    ok(
        api.call(
            "PUT",
            "/actions/" + name + "?overwrite=true",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.encodeString(code)
                + "},\"annotations\":[{\"key\":\"web-export\",\"value\":true}"
                + annotations
                + "],\"parameters\":["
                + parameters
                + "]}"));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            request.timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static void node(String name, String code, String parameters) throws Exception {
    ok(
        api.call(
            "PUT",
            "/actions/" + name + "?overwrite=true",
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.encodeString(code)
                + "},\"parameters\":"
                + parameters
                + "}"));
  }

  static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }
}
