package io.kwhisk.standalone;

import static io.kwhisk.standalone.WhiskApi.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An action sees the context OpenWhisk gives it (issue 12), every hop real: {@code __OW_API_HOST}
 * in its container's environment, reachable from the action; {@code __OW_API_KEY} only with {@code
 * provide-api-key}; the rest of the {@code /run} fields; the bundled {@code openwhisk} npm module
 * using them; {@code __OW_ALLOW_CONCURRENT} in the container of an action of concurrency above 1.
 */
class ActionContextIT {
  private static final String CONTEXT =
      """
      const http = require('http');
      function main() {
        const env = {};
        for (const k of Object.keys(process.env)) if (k.startsWith('__OW_')) env[k] = process.env[k];
        return new Promise(resolve => {
          const key = process.env.__OW_API_KEY || 'none:none';
          const req = http.get(process.env.__OW_API_HOST + '/api/v1/namespaces/_/actions',
              {headers: {Authorization: 'Basic ' + Buffer.from(key).toString('base64')}},
              res => { res.resume(); res.on('end', () => resolve({env: env, api: res.statusCode})); });
          req.on('error', e => resolve({env: env, api: String(e)}));
        });
      }""";

  @RegisterExtension static final SharedStandalone platform = new SharedStandalone();
  static WhiskApi api;

  @BeforeAll
  static void start() throws Exception {
    api = platform.api();
  }

  @Test
  @Timeout(240)
  void anActionGetsTheApiHostAndTheRunContextButNoKeyUnlessItAsks() throws Exception {
    create("plain", "nodejs:20", CONTEXT, "");
    assertThat(annotations(json(api.get("/actions/plain"))).get("provide-api-key").asBoolean())
        .as("added as false on create")
        .isFalse();
    HttpResponse<String> r = api.post("/actions/plain?blocking=true", "{}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode record = json(r);
    JsonNode env = record.path("response").path("result").path("env");
    int port = java.net.URI.create(api.apiHost()).getPort();
    assertThat(env.path("__OW_API_HOST").asText()).matches("http://[0-9.]+:" + port);
    assertThat(env.has("__OW_API_KEY")).isFalse();
    assertThat(record.path("response").path("result").path("api").asInt())
        .as("the API answers the action, " + "without a key")
        .isEqualTo(401);
    assertThat(env.path("__OW_NAMESPACE").asText()).isEqualTo(api.namespace());
    assertThat(env.path("__OW_ACTION_NAME").asText()).isEqualTo("/" + api.namespace() + "/plain");
    assertThat(env.path("__OW_ACTION_VERSION").asText()).isEqualTo("0.0.1");
    assertThat(env.path("__OW_ACTIVATION_ID").asText())
        .isEqualTo(record.path("activationId").asText());
    assertThat(env.path("__OW_TRANSACTION_ID").asText()).isNotBlank();
    assertThat(env.path("__OW_DEADLINE").asLong()).isGreaterThan(record.path("start").asLong());
  }

  @Test
  @Timeout(240)
  void anActionAnnotatedProvideApiKeyCallsTheApiWithItsCallersKey() throws Exception {
    create(
        "keyed",
        "nodejs:20",
        CONTEXT,
        ",\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]");
    JsonNode result = json(api.post("/actions/keyed?blocking=true&result=true", "{}"));
    assertThat(result.path("env").path("__OW_API_KEY").asText()).isEqualTo(api.auth());
    assertThat(result.path("api").asInt()).as("%s", result).isEqualTo(200);
  }

  @Test
  @Timeout(240)
  void anActionCallsAnotherThroughTheBundledOpenwhiskModuleWithItsOwnKey() throws Exception {
    create(
        "callee",
        "nodejs:20",
        "function main(p) { return {twice: p.n * 2, by: process.env.__OW_ACTION_NAME}; }",
        "");
    create(
        "caller",
        "nodejs:20",
        """
        const openwhisk = require('openwhisk');
        function main(p) {
          return openwhisk().actions.invoke({name: 'callee', blocking: true, result: true, params: {n: p.n}})
              .then(r => ({fromCallee: r}), e => ({failed: String(e)}));
        }""",
        ",\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]");
    JsonNode result = json(api.post("/actions/caller?blocking=true&result=true", "{\"n\":21}"));
    assertThat(result.path("fromCallee").path("twice").asInt()).as("%s", result).isEqualTo(42);
    assertThat(result.path("fromCallee").path("by").asText())
        .isEqualTo("/" + api.namespace() + "/callee");
  }

  @Test
  @Timeout(240)
  void aContainerOfAnActionOfConcurrencyAboveOneIsToldItMayRunActivationsAtOnce(@TempDir Path work)
      throws Exception {
    String jar =
        JavaActionJar.base64(
            work,
            "Env",
            """
        import com.google.gson.JsonObject;
        public class Env {
          public static JsonObject main(JsonObject args) {
            JsonObject r = new JsonObject();
            r.addProperty("concurrent", String.valueOf(System.getenv("__OW_ALLOW_CONCURRENT")));
            return r;
          }
        }
        """);
    String exec =
        "{\"kind\":\"java:17\",\"binary\":true,\"main\":\"Env\",\"code\":\"" + jar + "\"}";
    create("one-at-a-time", exec, ",\"limits\":{\"concurrency\":1}");
    create("many-at-once", exec, ",\"limits\":{\"concurrency\":2}");
    assertThat(
            json(api.post("/actions/one-at-a-time?blocking=true&result=true", "{}"))
                .path("concurrent")
                .asText())
        .isEqualTo("null");
    assertThat(
            json(api.post("/actions/many-at-once?blocking=true&result=true", "{}"))
                .path("concurrent")
                .asText())
        .isEqualTo("true");
  }

  @Test
  @Timeout(240)
  void parametersMarkedInitReachTheContainersEnvironmentAndNotTheRuns() throws Exception {
    create(
        "initialised",
        "nodejs:20",
        "function main(p) { return {env: process.env.db || null, param: p.db || null,"
            + " name: p.name}; }",
        ",\"parameters\":[{\"key\":\"db\",\"value\":\"pg://x\",\"init\":true},"
            + "{\"key\":\"name\",\"value\":\"n\"}]");
    JsonNode result = json(api.post("/actions/initialised?blocking=true&result=true", "{}"));
    assertThat(result.path("env").asText()).isEqualTo("pg://x");
    assertThat(result.path("param").isNull()).as("%s", result).isTrue();
    assertThat(result.path("name").asText()).isEqualTo("n");
  }

  private static void create(String name, String kindOrExec, String code, String more)
      throws Exception {
    String exec =
        kindOrExec.startsWith("{")
            ? kindOrExec
            : "{\"kind\":\"" + kindOrExec + "\",\"code\":" + Json.encodeString(code) + "}";
    HttpResponse<String> r = api.put(name, "{\"exec\":" + exec + more + "}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static void create(String name, String exec, String more) throws Exception {
    create(name, exec, null, more);
  }

  private static Map<String, JsonNode> annotations(JsonNode entity) {
    Map<String, JsonNode> out = new java.util.HashMap<>();
    entity.path("annotations").forEach(kv -> out.put(kv.path("key").asText(), kv.path("value")));
    return out;
  }
}
