package io.kwhisk.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end, every hop real: HTTP to the controller, the action's Kafka topic
 * on the embedded broker, a ContainerProxy pulling inside a real Docker container of the nodejs
 * runtime image, and back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneIT {
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(4);
  private static final String HELLO =
      "function main(p) { console.log('hello log'); return {greeting: 'hello ' + (p.name || 'world')}; }";

  @TempDir static Path dataDir;
  static Standalone standalone;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    standalone = Standalone.start(source());
  }

  private static ConfigSource source() {
    return ConfigSource.fromEnvironment(
        Map.of(
            "kwhisk.standalone.data-dir",
            dataDir.toString(),
            "kwhisk.controller.port",
            "0",
            // The controller's keep-alive policy decides the window, not the invoker's own setting.
            "kwhisk.invoker.keep-alive",
            "1h",
            "kwhisk.controller.keep-alive-policy",
            "fixed:" + KEEP_ALIVE.toMillis() + "ms",
            "kwhisk.controller.blocking-wait",
            "60s"));
  }

  @AfterAll
  static void stop() {
    if (standalone != null) standalone.close();
  }

  @Test
  @Order(1)
  @Timeout(120)
  void blockingInvokeOfANewActionStartsAContainerAndReturnsTheResult() throws Exception {
    assertThat(
            put(
                    "hello",
                    "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                        + Json.encodeString(HELLO)
                        + "},"
                        + "\"parameters\":[{\"key\":\"name\",\"value\":\"default\"}]}")
                .statusCode())
        .isEqualTo(200);

    HttpResponse<String> result =
        post("/actions/hello?blocking=true&result=true", "{\"name\":\"kwhisk\"}");
    assertThat(result.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(result.body()).path("greeting").asText())
        .isEqualTo("hello kwhisk");
    assertThat(containers("guest/hello")).hasSize(1);
  }

  @Test
  @Order(2)
  @Timeout(60)
  void secondInvokeReusesTheWarmContainerAndItsRecordCanBeRead() throws Exception {
    List<String> before = containers("guest/hello");
    HttpResponse<String> response = post("/actions/hello?blocking=true", "{}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode record = Json.MAPPER.readTree(response.body());
    assertThat(record.path("response").path("result").path("greeting").asText())
        .isEqualTo("hello default");
    assertThat(record.path("response").path("status").asText()).isEqualTo("success");
    assertThat(annotation(record, "initTime")).as("a warm activation has no initTime").isNull();
    assertThat(containers("guest/hello")).isEqualTo(before);

    String id = record.path("activationId").asText();
    assertThat(response.headers().firstValue("x-openwhisk-activation-id")).contains(id);
    HttpResponse<String> get = get("/activations/" + id);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(get.body()).path("activationId").asText()).isEqualTo(id);
  }

  @Test
  @Order(3)
  @Timeout(60)
  void afterTheKeepAliveWindowOfTheControllersPolicyTheContainerIsRemoved() {
    await()
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> containers("guest/hello").isEmpty());
  }

  @Test
  @Order(4)
  @Timeout(120)
  void anInvokeAfterTheContainerWasRemovedStartsANewOne() throws Exception {
    HttpResponse<String> response = post("/actions/hello?blocking=true", "{}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(annotation(Json.MAPPER.readTree(response.body()), "initTime")).isNotNull();
  }

  @Test
  @Order(5)
  @Timeout(60)
  void clientMistakesAnswerFourHundredsWithAJsonErrorAndCode() throws Exception {
    HttpResponse<String> malformed = put("broken", "{\"exec\": ");
    HttpResponse<String> unknownKind =
        put("cobol", "{\"exec\":{\"kind\":\"cobol:85\",\"code\":\"x\"}}");
    HttpResponse<String> unknownAction = post("/actions/nope?blocking=true", "{}");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(unknownKind.statusCode()).isEqualTo(400);
    assertThat(unknownAction.statusCode()).isEqualTo(404);
    for (HttpResponse<String> r : List.of(malformed, unknownKind, unknownAction)) {
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertThat(body.path("error").asText()).isNotBlank();
      assertThat(body.path("code").asText()).isNotBlank();
    }
  }

  @Test
  @Order(6)
  @Timeout(120)
  void anActionThatThrowsIsADeveloperErrorWithBadGateway() throws Exception {
    put(
        "thrower",
        "{\"exec\":{\"kind\":\"nodejs\",\"code\":\"function main() { throw new Error('boom'); }\"}}");
    HttpResponse<String> response = post("/actions/thrower?blocking=true", "{}");
    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode record = Json.MAPPER.readTree(response.body());
    assertThat(record.path("response").path("success").asBoolean()).isFalse();
    assertThat(record.path("response").path("status").asText()).isEqualTo("action developer error");
    assertThat(record.path("response").path("result").path("error").asText()).contains("boom");
  }

  @Test
  @Order(7)
  @Timeout(120)
  void blackboxActionsRunTheImageTheyName() throws Exception {
    put(
        "boxed",
        "{\"exec\":{\"kind\":\"blackbox\",\"image\":\"kwhisk/action-nodejs-v20:latest\","
            + "\"code\":\"function main(p) { return {boxed: true}; }\"}}");
    HttpResponse<String> response = post("/actions/boxed?blocking=true&result=true", "{}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).path("boxed").asBoolean()).isTrue();
  }

  @Test
  @Order(8)
  @Timeout(120)
  void javaActionsRunFromAJarWithAMainClass(@TempDir Path work) throws Exception {
    String jar =
        JavaActionJar.base64(
            work,
            "Hello",
            "import com.google.gson.JsonObject;\n"
                + "public class Hello {\n"
                + "  public static JsonObject main(JsonObject args) {\n"
                + "    JsonObject r = new JsonObject();\n"
                + "    r.addProperty(\"greeting\", \"hello \" + (args.has(\"name\") ? args.get(\"name\").getAsString() : \"java\"));\n"
                + "    return r;\n"
                + "  }\n"
                + "}\n");
    assertThat(
            put(
                    "hello-java",
                    "{\"exec\":{\"kind\":\"java:17\",\"binary\":true,\"main\":\"Hello\",\"code\":\""
                        + jar
                        + "\"}}")
                .statusCode())
        .isEqualTo(200);
    HttpResponse<String> response =
        post("/actions/hello-java?blocking=true&result=true", "{\"name\":\"duke\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(response.body()).path("greeting").asText())
        .isEqualTo("hello duke");
  }

  @Test
  @Order(9)
  @Timeout(180)
  void aRestartOnTheSameDataDirectoryKeepsActionsAndTheKey() throws Exception {
    String auth = standalone.auth();
    standalone.close();
    standalone = null;
    standalone = Standalone.start(source());
    assertThat(standalone.auth()).isEqualTo(auth);
    assertThat(Files.readString(dataDir.resolve("wskprops"))).contains("AUTH=" + auth);
    assertThat(get("/actions/hello").statusCode()).isEqualTo(200);
    HttpResponse<String> result =
        post("/actions/hello?blocking=true&result=true", "{\"name\":\"again\"}");
    assertThat(Json.MAPPER.readTree(result.body()).path("greeting").asText())
        .isEqualTo("hello again");
  }

  private static JsonNode annotation(JsonNode record, String key) {
    for (JsonNode kv : record.path("annotations")) {
      if (key.equals(kv.path("key").asText())) return kv.path("value");
    }
    return null;
  }

  private static List<String> containers(String actionPath)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "docker", "ps", "-aq", "--filter", "label=io.kwhisk.action=" + actionPath)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as("docker ps: " + out).isZero();
    return out.isEmpty() ? List.of() : Arrays.asList(out.split("\\s+"));
  }

  private static HttpResponse<String> put(String action, String body)
      throws IOException, InterruptedException {
    return send(
        request("/actions/" + action + "?overwrite=true")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  private static HttpRequest.Builder request(String path) {
    String basic =
        Base64.getEncoder().encodeToString(standalone.auth().getBytes(StandardCharsets.UTF_8));
    return HttpRequest.newBuilder(URI.create(standalone.apiHost() + "/api/v1/namespaces/_" + path))
        .timeout(Duration.ofSeconds(90))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/json");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
