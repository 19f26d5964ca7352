package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoker against the real embedded broker and the real Docker engine with the Node.js runtime
 * image. The test plays the controller (through {@link ControllerDouble}): it creates action topics
 * (and the share group's offset reset), sends ContainerCreation to the invoker's topic, publishes
 * activations and reads completions from {@code completed0}.
 */
class InvokerIT {
  /**
   * An id no other module's tests use, so start-up clean-up of leftovers never touches their
   * containers.
   */
  private static final int INVOKER_ID = 71;

  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  private static ControllerDouble controller;
  private static Invoker invoker;
  private static int metricsPort;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE))
        .as("runtime image %s (scripts/build-runtimes.sh)", IMAGE)
        .isNotEmpty();
    controller = ControllerDouble.start();
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    InvokerConfig config =
        InvokerConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.kafka.bootstrap-servers",
                    controller.bootstrapServers(),
                    "kwhisk.invoker.id",
                    Integer.toString(INVOKER_ID),
                    "kwhisk.invoker.keep-alive",
                    "2s",
                    "kwhisk.invoker.prefetch",
                    "1",
                    "kwhisk.invoker.heartbeat-interval",
                    "500ms",
                    "kwhisk.invoker.metrics-port",
                    Integer.toString(metricsPort))));
    invoker = Invoker.start(config);
  }

  @AfterAll
  static void stop() throws Exception {
    ControllerDouble.shutDown(invoker, controller, INVOKER_ID);
    assertThat(containersOfInvoker()).as("containers left behind").isEmpty();
  }

  @Test
  @Timeout(30)
  void aStartedInvokerAnswersReadyAndPingOnItsMetricsPort() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    for (String path : List.of("/ready", "/ping")) {
      java.net.http.HttpResponse<String> r =
          http.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + metricsPort + path))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
    }
  }

  @Test
  @Timeout(120)
  void aBlockingInvokeReturnsTheActionsResultAndASecondReusesTheWarmContainer() throws Exception {
    Action action =
        action(
            "hello-" + suffix(),
            10_000,
            "function main(p) { console.log('hi ' + p.name); return { greeting: 'Hello ' + p.name }; }");
    long created = System.currentTimeMillis();
    createContainer(action);
    CompletionMessage cold = controller.invoke(action, Json.object().put("name", "Ada"));
    long coldMs = System.currentTimeMillis() - created;

    assertThat(cold.record().response().statusCode()).isEqualTo(ActivationResponse.SUCCESS);
    assertThat(cold.record().response().result().get("greeting").asText()).isEqualTo("Hello Ada");
    assertThat(cold.record().annotation("initTime")).isPresent();
    assertThat(cold.record().annotation("path").orElseThrow().asText())
        .isEqualTo(action.fqn().path());
    assertThat(controller.awaitRecord(cold.activationId()).logs())
        .as("the record on activations carries the logs")
        .anySatisfy(l -> assertThat(l).endsWith("stdout: hi Ada"));
    assertThat(cold.invokerId()).isEqualTo(INVOKER_ID);

    long sent = System.currentTimeMillis();
    CompletionMessage warm = controller.invoke(action, Json.object().put("name", "Grace"));
    long warmMs = System.currentTimeMillis() - sent;
    assertThat(warm.record().response().result().get("greeting").asText()).isEqualTo("Hello Grace");
    assertThat(warm.record().annotation("initTime")).isEmpty();
    assertThat(warm.containerId()).isEqualTo(cold.containerId());
    assertThat(containersOf(action)).hasSize(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(lastHeartbeat().containersByAction())
                    .containsEntry(action.fqn().path(), 1));

    String scrape =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(scrape)
        .contains("kwhisk_invoker_cold_starts_total")
        .contains("kwhisk_invoker_containers{state=\"ready\"}");
    assertThat(
            invoker
                .metrics()
                .registry()
                .get(io.kwhisk.invoker.metrics.InvokerMetrics.COLD_STARTS)
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);

    List<String> warmRuns = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t = System.nanoTime();
      CompletionMessage c = controller.invoke(action, Json.object().put("name", "n" + i));
      warmRuns.add(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t)
              + "(wait "
              + c.record().annotation("waitTime").orElseThrow().asLong()
              + ", run "
              + c.record().duration()
              + ")");
    }
    System.out.printf(
        "MEASURED cold start (creation to completion) %d ms, init %d ms; first warm %d ms;"
            + " warm round trips %s ms%n",
        coldMs, cold.record().annotation("initTime").orElseThrow().asLong(), warmMs, warmRuns);
  }

  @Test
  @Timeout(120)
  void anIdleContainerIsRemovedAndLeavesTheGroupAfterTheKeepAlive() throws Exception {
    Action action = action("idle-" + suffix(), 10_000, "function main() { return { ok: true }; }");
    createContainer(action);
    assertThat(controller.invoke(action, Json.object()).record().response().success()).isTrue();
    assertThat(containersOf(action)).hasSize(1);
    assertThat(controller.groupMembers(action)).isEqualTo(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(containersOf(action)).isEmpty();
              assertThat(controller.groupMembers(action)).isZero();
            });
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(lastHeartbeat().containersByAction())
                    .doesNotContainKey(action.fqn().path()));
  }

  @Test
  @Timeout(120)
  void anActionThatThrowsIsADeveloperErrorAndItsContainerIsReplaced() throws Exception {
    Action action =
        action(
            "throws-" + suffix(),
            10_000,
            "function main(p) { if (p.fail) throw new Error('boom'); return {ok: true}; }");
    createContainer(action);
    CompletionMessage c = controller.invoke(action, Json.object().put("fail", true));
    assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(c.record().response().result().get("error").asText()).contains("boom");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(containersOf(action)).isEmpty());

    createContainer(action);
    CompletionMessage next = controller.invoke(action, Json.object());
    assertThat(next.record().response().success()).isTrue();
    assertThat(next.containerId()).isNotEqualTo(c.containerId());
  }

  /**
   * Apache's nodejs runtime marks itself stopped after an action fails and answers every later
   * {@code /run} with 403: a blackbox image that behaves the same must not be reused after its
   * failure.
   */
  @Test
  @Timeout(180)
  void aBlackboxRuntimeThatRefusesWorkAfterAFailureIsReplacedNotReused(@TempDir Path context)
      throws Exception {
    String image = StoppingRuntime.build(context);
    Action action =
        controller.action(
            "stopping-" + suffix(),
            new Exec(Exec.BLACKBOX, null, null, false, image),
            Map.of(),
            new ActionLimits(10_000, 256, 10, 1));
    createContainer(action);
    CompletionMessage ok = controller.invoke(action, Json.object());
    assertThat(ok.record().response().success()).as(ok.record().response().toString()).isTrue();
    CompletionMessage failed = controller.invoke(action, Json.object().put("fail", true));
    assertThat(failed.record().response().statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(failed.record().logs())
        .anySatisfy(l -> assertThat(l).contains("stderr: failing on purpose"));

    // Sent at once, before the stopped container's keep-alive could remove it: only a new container
    // may take it.
    String id = controller.send(action, Json.object());
    createContainer(action);
    CompletionMessage next = controller.awaitCompletion(id);
    assertThat(next.record().response().success()).as(next.record().response().toString()).isTrue();
    assertThat(next.containerId()).isNotEqualTo(failed.containerId());
    assertThat(containersOf(action)).doesNotContain(failed.containerId());
  }

  @Test
  @Timeout(120)
  void aRunThatExceedsTheTimeLimitIsADeveloperErrorAndTheContainerIsReplaced() throws Exception {
    Action action =
        action(
            "slow-" + suffix(),
            1_000,
            "function main(p) { return new Promise(r => setTimeout(() => r({ slept: true }), p.sleep || 0)); }");
    createContainer(action);
    CompletionMessage timedOut = controller.invoke(action, Json.object().put("sleep", 5_000));
    assertThat(timedOut.record().response().statusCode())
        .isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(timedOut.record().response().result().get("error").asText())
        .isEqualTo("The action exceeded its time limit of 1000 milliseconds.");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(containersOf(action)).isEmpty());

    createContainer(action);
    CompletionMessage next = controller.invoke(action, Json.object());
    assertThat(next.record().response().success()).isTrue();
    assertThat(next.containerId()).isNotEqualTo(timedOut.containerId());
  }

  @Test
  @Timeout(120)
  void aFailedInitCompletesOneActivationWithADeveloperErrorAndRemovesTheContainer()
      throws Exception {
    Action action = action("broken-" + suffix(), 10_000, "function main( { syntax error");
    createContainer(action);
    CompletionMessage c = controller.invoke(action, Json.object());
    assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
    assertThat(c.record().response().result().get("error").asText())
        .contains("Initialization has failed");
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(containersOf(action)).isEmpty());
  }

  @Test
  @Timeout(120)
  void oneContainerRunsUpToItsConcurrencyLimitAtOnce() throws Exception {
    Action action =
        action(
            "concurrent-" + suffix(),
            10_000,
            2,
            Map.of(),
            "function main(p) { return new Promise(r => setTimeout(() => r({ n: p.n }), 1500)); }");
    createContainer(action);
    assertThat(controller.invoke(action, Json.object().put("n", 0)).record().response().success())
        .isTrue();

    String a = controller.send(action, Json.object().put("n", 1));
    String b = controller.send(action, Json.object().put("n", 2));
    CompletionMessage first = controller.awaitCompletion(a);
    CompletionMessage second = controller.awaitCompletion(b);
    assertThat(second.containerId()).isEqualTo(first.containerId());
    assertThat(containersOf(action)).hasSize(1);
    assertThat(first.record().start()).as("the two runs overlap").isLessThan(second.record().end());
    assertThat(second.record().start()).as("the two runs overlap").isLessThan(first.record().end());
  }

  @Test
  @Timeout(120)
  void aDeletedActionsContainerIsRetiredBeforeItsKeepAlive() throws Exception {
    Action action =
        action(
            "deleted-" + suffix(),
            10_000,
            1,
            Map.of("keepAlive", IntNode.valueOf(120_000)),
            "function main() { return { ok: true }; }");
    createContainer(action);
    assertThat(controller.invoke(action, Json.object()).record().response().success()).isTrue();
    await() // longer than the invoker's default keep-alive: the annotation keeps it warm
        .during(Duration.ofMillis(2_500))
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(containersOf(action)).hasSize(1));

    controller.deleteContainers(INVOKER_ID, action);
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              assertThat(containersOf(action)).isEmpty();
              assertThat(controller.groupMembers(action)).isZero();
            });
  }

  // ---------------------------------------------------------------- the controller's side, for
  // this invoker

  private static Action action(String name, int timeoutMs, String code) throws Exception {
    return action(name, timeoutMs, 1, Map.of(), code);
  }

  private static Action action(
      String name, int timeoutMs, int concurrency, Map<String, JsonNode> annotations, String code)
      throws Exception {
    return controller.action(name, timeoutMs, 256, concurrency, annotations, code);
  }

  private static void createContainer(Action action) throws Exception {
    controller.createContainer(INVOKER_ID, action);
  }

  private static InvokerHeartbeat lastHeartbeat() {
    return controller.lastHeartbeat(INVOKER_ID);
  }

  private static List<String> containersOf(Action action) throws Exception {
    return ControllerDouble.containersOf(INVOKER_ID, action);
  }

  private static List<String> containersOfInvoker() throws Exception {
    return ControllerDouble.containersOfInvoker(INVOKER_ID);
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
