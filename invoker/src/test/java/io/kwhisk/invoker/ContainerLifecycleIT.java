package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.containersOf;
import static io.kwhisk.invoker.ControllerDouble.docker;
import static io.kwhisk.invoker.ControllerDouble.inspect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.metrics.InvokerMetrics.ContainerState;
import io.kwhisk.invoker.prewarm.PrewarmingRuntime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A container's life under pressure and failure, on the real broker and the real Docker engine:
 * eviction when the invoker is full, clean-up scoped to the cluster, a container killed or
 * OOM-killed under a running activation. Each test runs its own invoker with an id no other test
 * uses, and removes its containers.
 */
class ContainerLifecycleIT {
  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";
  private static final List<Integer> IDS = List.of(81, 82, 83, 84, 85, 86, 87, 88, 89);
  private static ControllerDouble controller;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE))
        .as("runtime image %s (scripts/build-runtimes.sh)", IMAGE)
        .isNotEmpty();
    controller = ControllerDouble.start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (controller != null) controller.close();
    } finally {
      for (int id : IDS) ControllerDouble.removeContainersOfInvoker(id);
    }
  }

  private static Invoker invoker(int id, Map<String, String> overrides) {
    Map<String, String> config =
        new HashMap<>(
            Map.of(
                "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
                "kwhisk.invoker.id", Integer.toString(id),
                "kwhisk.invoker.keep-alive", "60s",
                "kwhisk.invoker.prefetch", "1",
                "kwhisk.invoker.heartbeat-interval", "500ms",
                "kwhisk.invoker.pause-grace", "0"));
    config.putAll(overrides);
    return Invoker.start(InvokerConfig.from(ConfigSource.of(config)));
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  @Timeout(120)
  void aFullInvokerEvictsTheIdleContainerOfAnotherActionToStartANewOne() throws Exception {
    int id = 81;
    try (Invoker invoker = invoker(id, Map.of("kwhisk.invoker.user-memory-mb", "256"))) {
      Action a =
          controller.action(
              "evict-a-" + suffix(), 10_000, 256, "function main() { return { a: 1 }; }");
      Action b =
          controller.action(
              "evict-b-" + suffix(), 10_000, 256, "function main() { return { b: 1 }; }");
      controller.createContainer(id, a);
      assertThat(controller.invoke(a, Json.object()).record().response().success()).isTrue();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(controller.lastHeartbeat(id).idleMemoryMb())
                      .as("a's container is idle")
                      .isEqualTo(256));
      assertThat(controller.lastHeartbeat(id).freeMemoryMb()).isZero();

      controller.createContainer(id, b);
      CompletionMessage result = controller.invoke(b, Json.object());
      assertThat(result.record().response().result().get("b").asInt()).isEqualTo(1);
      assertThat(containersOf(id, a)).as("a's idle container was evicted").isEmpty();
      assertThat(containersOf(id, b)).hasSize(1);
      assertThat(invoker.metrics().registry().get("kwhisk.invoker.evictions").counter().count())
          .isEqualTo(1);
      assertThat(invoker.metrics().registry().find("jvm.memory.used").meters())
          .as("bound by Invoker.start")
          .isNotEmpty();
      assertThat(invoker.metrics().registry().getMeters())
          .as("the publisher's and the command feed's Kafka meters")
          .anyMatch(m -> m.getId().getName().startsWith("kafka.producer."))
          .anyMatch(m -> m.getId().getName().startsWith("kafka.consumer."));
      assertThat(
              invoker
                  .metrics()
                  .registry()
                  .find("executor.pool.size")
                  .tag("name", InvokerMetrics.HTTP_CALL_POOL)
                  .gauge())
          .as("the HTTP call pool's executor meters, bound by Invoker.start")
          .isNotNull();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(controller.lastHeartbeat(id).containersByAction())
                      .isEqualTo(Map.of(b.fqn().path(), 1)));
    }
    assertThat(ControllerDouble.containersOfInvoker(id)).isEmpty();
  }

  @Test
  @Timeout(120)
  void startUpRemovesOnlyTheLeftoversOfTheSameInvokerInTheSameCluster() throws Exception {
    int id = 82;
    String foreign =
        docker(
            "create",
            "--label",
            ContainerRuntime.INVOKER_LABEL + "=" + id,
            "--label",
            ContainerRuntime.CLUSTER_LABEL + "=another-cluster",
            IMAGE);
    String own =
        docker(
            "create",
            "--label",
            ContainerRuntime.INVOKER_LABEL + "=" + id,
            "--label",
            ContainerRuntime.CLUSTER_LABEL + "=" + controller.clusterId(),
            IMAGE);
    try (Invoker invoker = invoker(id, Map.of())) {
      assertThat(ControllerDouble.containersOfInvoker(id))
          .as("the other cluster's container survives, this cluster's leftover is gone")
          .containsExactly(foreign.substring(0, 12));
      Action a =
          controller.action("labelled-" + suffix(), 10_000, 256, "function main() { return {}; }");
      controller.createContainer(id, a);
      assertThat(controller.invoke(a, Json.object()).record().response().success()).isTrue();
      String container = containersOf(id, a).get(0);
      assertThat(
              inspect(
                  container, "{{index .Config.Labels \"" + ContainerRuntime.CLUSTER_LABEL + "\"}}"))
          .isEqualTo(controller.clusterId());
    } finally {
      docker("rm", "-f", foreign);
    }
    assertThat(own).isNotBlank();
  }

  @Test
  @Timeout(120)
  void aContainerKilledUnderARunningActivationCompletesItWithAWhiskErrorAndIsRemoved()
      throws Exception {
    int id = 83;
    try (Invoker invoker = invoker(id, Map.of())) {
      Action a =
          controller.action(
              "killed-" + suffix(),
              20_000,
              256,
              "function main(p) { return new Promise(r => setTimeout(() => r({ slept: p.ms }), p.ms)); }");
      controller.createContainer(id, a);
      assertThat(controller.invoke(a, Json.object().put("ms", 0)).record().response().success())
          .isTrue();
      String container = containersOf(id, a).get(0);

      String activation = controller.send(a, Json.object().put("ms", 3_000));
      await() // the warm container pulled it: the run is under way
          .atMost(Duration.ofSeconds(10))
          .until(() -> invoker.metrics().containers(ContainerState.RUNNING) == 1);
      docker("kill", container);
      CompletionMessage c = controller.awaitCompletion(activation);
      assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.WHISK_ERROR);
      assertThat(c.record().response().result().get("error").asText())
          .contains("killed (exit code 137)");
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(containersOf(id, a)).isEmpty());
    }
  }

  @Test
  @Timeout(120)
  void anActionThatExceedsItsMemoryLimitIsOomKilledAndReportedAsADeveloperError() throws Exception {
    int id = 84;
    try (Invoker invoker = invoker(id, Map.of())) {
      // Buffers live outside the V8 heap: the kernel's OOM killer, not V8, stops the action at the
      // cgroup limit.
      Action a =
          controller.action(
              "oom-" + suffix(),
              20_000,
              128,
              String.join(
                  "\n",
                  "function main(p) {",
                  "  const kept = [];",
                  "  for (let i = 0; i < p.mb / 8; i++) kept.push(Buffer.alloc(8 * 1024 * 1024, 1));",
                  "  return { kept: kept.length };",
                  "}"));
      controller.createContainer(id, a);
      assertThat(controller.invoke(a, Json.object().put("mb", 16)).record().response().success())
          .isTrue();
      String container = containersOf(id, a).get(0);
      assertThat(inspect(container, "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}"))
          .isEqualTo((128L << 20) + " " + (128L << 20));

      CompletionMessage c = controller.invoke(a, Json.object().put("mb", 512));
      assertThat(c.record().response().statusCode()).isEqualTo(ActivationResponse.DEVELOPER_ERROR);
      assertThat(c.record().response().result().get("error").asText())
          .isEqualTo("The action exhausted its memory and was aborted.");
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(() -> assertThat(containersOf(id, a)).isEmpty());
    }
  }

  @Test
  @Timeout(120)
  void anIdleContainerIsPausedAfterThePauseGraceAndTheNextInvokeUnpausesIt() throws Exception {
    int id = 85;
    try (Invoker invoker = invoker(id, Map.of("kwhisk.invoker.pause-grace", "300ms"))) {
      Action a =
          controller.action(
              "paused-" + suffix(), 10_000, 256, "function main(p) { return { n: p.n }; }");
      controller.createContainer(id, a);
      CompletionMessage first = controller.invoke(a, Json.object().put("n", 0));
      String container = containersOf(id, a).get(0);
      List<Long> resumedMs = new java.util.ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50))
            .until(() -> inspect(container, "{{.State.Paused}}").equals("true"));
        long t = System.nanoTime();
        CompletionMessage next = controller.invoke(a, Json.object().put("n", i));
        resumedMs.add(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
        assertThat(next.record().response().result().get("n").asInt()).isEqualTo(i);
        assertThat(next.containerId()).isEqualTo(first.containerId());
      }
      var registry = invoker.metrics().registry();
      var pause = registry.get("kwhisk.invoker.pause.time").timer();
      var unpause = registry.get("kwhisk.invoker.unpause.time").timer();
      assertThat(unpause.count()).isGreaterThanOrEqualTo(5);
      List<Long> warmMs = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        long t = System.nanoTime();
        controller.invoke(a, Json.object().put("n", i));
        warmMs.add(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
      }
      System.out.printf(
          "MEASURED docker pause mean %.1f ms max %.1f ms, unpause mean %.1f ms max %.1f ms;"
              + " round trips after a pause %s ms, warm unpaused %s ms%n",
          pause.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
          pause.max(java.util.concurrent.TimeUnit.MILLISECONDS),
          unpause.mean(java.util.concurrent.TimeUnit.MILLISECONDS),
          unpause.max(java.util.concurrent.TimeUnit.MILLISECONDS),
          resumedMs,
          warmMs);
    }
  }

  @Test
  @Timeout(120)
  void aGracefulShutdownFinishesTheRunningActivationThenRemovesEveryContainer() throws Exception {
    int id = 89;
    Invoker invoker = invoker(id, Map.of("kwhisk.invoker.prewarm", "nodejs:20=1"));
    Action a =
        controller.action(
            "shutdown-" + suffix(),
            20_000,
            256,
            "function main(p) { return new Promise(r => setTimeout(() => r({ slept: p.ms }), p.ms)); }");
    controller.createContainer(id, a);
    assertThat(controller.invoke(a, Json.object().put("ms", 0)).record().response().success())
        .isTrue();
    String running = controller.send(a, Json.object().put("ms", 2_000));
    await() // the warm container pulled it: the run is under way
        .atMost(Duration.ofSeconds(10))
        .until(() -> invoker.metrics().containers(ContainerState.RUNNING) == 1);
    long closing = System.nanoTime();
    invoker.close();
    long closedMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closing);
    CompletionMessage c = controller.awaitCompletion(running);
    assertThat(c.record().response().result().get("slept").asInt())
        .as("finished, not cut")
        .isEqualTo(2_000);
    assertThat(ControllerDouble.containersOfInvoker(id))
        .as("action and prewarm containers are gone")
        .isEmpty();
    System.out.printf(
        "MEASURED graceful shutdown with a 2 s activation under way: %d ms%n", closedMs);
  }

  private static List<String> prewarmContainers(int invokerId) throws Exception {
    return ControllerDouble.lines(
        docker(
            "ps",
            "-a",
            "-q",
            "--filter",
            "label=" + ContainerRuntime.INVOKER_LABEL + "=" + invokerId,
            "--filter",
            "label=" + PrewarmingRuntime.PREWARM_LABEL));
  }

  @Test
  @Timeout(120)
  void aColdStartTakesThePrewarmedContainerOfItsKindAndTheStockIsReplenished() throws Exception {
    int id = 86;
    try (Invoker invoker =
        invoker(
            id,
            Map.of(
                "kwhisk.invoker.prewarm",
                "nodejs:20=1",
                "kwhisk.invoker.prewarm-memory-mb",
                "128"))) {
      var ready = invoker.metrics().registry().get(InvokerMetrics.PREWARM_READY).gauge();
      await().atMost(Duration.ofSeconds(30)).until(() -> ready.value() == 1);
      String stocked = prewarmContainers(id).get(0);
      Action a =
          controller.action(
              "prewarmed-" + suffix(),
              10_000,
              128,
              "function main(p) { console.log('hello'); return { hello: p.name }; }");
      controller.createContainer(id, a);
      CompletionMessage c = controller.invoke(a, Json.object().put("name", "Ada"));
      assertThat(c.record().response().result().get("hello").asText()).isEqualTo("Ada");
      assertThat(c.containerId()).as("the prewarmed container ran it").startsWith(stocked);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(prewarmContainers(id))
                    .as("a new one replaces it")
                    .hasSize(2)
                    .contains(stocked);
                assertThat(ready.value()).isEqualTo(1);
              });
      assertThat(invoker.metrics().registry().get(InvokerMetrics.PREWARM_USED).counter().count())
          .isEqualTo(1);

      Action big =
          controller.action(
              "not-prewarmed-" + suffix(), 10_000, 256, "function main() { return {}; }");
      controller.createContainer(id, big);
      CompletionMessage other = controller.invoke(big, Json.object());
      assertThat(other.containerId())
          .as("another memory limit gets its own container")
          .doesNotStartWith(stocked);
      assertThat(containersOf(id, big)).hasSize(1);
    }
    assertThat(ControllerDouble.containersOfInvoker(id)).isEmpty();
  }

  /**
   * Measures cold starts, with and without prewarm: the median of creation-to-completion, container
   * create+start, /init, and the rest (command delivery, group join, first fetch, run, completion).
   * Five of each by default; {@code -Dkwhisk.it.cold-starts=20} for the measurement.
   */
  @Test
  @Timeout(600)
  void coldStartsWithAPrewarmedContainerSkipCreateAndStart() throws Exception {
    int n = Integer.getInteger("kwhisk.it.cold-starts", 5);
    Map<String, Long> plain = coldStarts(87, Map.of(), n);
    Map<String, Long> prewarmed =
        coldStarts(88, Map.of("kwhisk.invoker.prewarm", "nodejs:20=1"), n);
    System.out.printf(
        "MEASURED cold start medians over %d (ms): without prewarm %s; with prewarm %s%n",
        n, plain, prewarmed);
    assertThat(plain.get("create+start"))
        .as("each plain cold start created and started a container")
        .isPositive();
  }

  private Map<String, Long> coldStarts(int id, Map<String, String> overrides, int n)
      throws Exception {
    Map<String, String> config = new HashMap<>(overrides);
    config.put("kwhisk.invoker.user-memory-mb", "2048");
    config.put("kwhisk.invoker.prewarm-memory-mb", "128");
    config.put("kwhisk.invoker.keep-alive", "3s");
    List<Long> totals = new java.util.ArrayList<>();
    List<Long> starts = new java.util.ArrayList<>();
    List<Long> inits = new java.util.ArrayList<>();
    List<Long> rests = new java.util.ArrayList<>();
    try (Invoker invoker = invoker(id, config)) {
      var startTimer =
          invoker.metrics().registry().get(InvokerMetrics.CONTAINER_START_TIME).timer();
      boolean prewarm = overrides.containsKey("kwhisk.invoker.prewarm");
      for (int i = 0; i < n; i++) {
        if (prewarm) { // wait for the stock (or the last one's replacement) before measuring
          var ready = invoker.metrics().registry().get(InvokerMetrics.PREWARM_READY).gauge();
          await().atMost(Duration.ofSeconds(30)).until(() -> ready.value() == 1);
        }
        double startMsBefore = startTimer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS);
        List<String> stock = prewarm ? prewarmContainers(id) : List.of();
        Action a =
            controller.action(
                "cold-" + i + "-" + suffix(), 10_000, 128, "function main() { return {}; }");
        long t = System.nanoTime();
        controller.createContainer(id, a);
        CompletionMessage c = controller.invoke(a, Json.object());
        long total = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        assertThat(c.record().response().success()).isTrue();
        if (prewarm) {
          assertThat(stock)
              .as("the activation ran in the stocked container, so nothing was created for it")
              .anyMatch(c.containerId()::startsWith);
        }
        // With prewarm the create+start happened before the request (the stock's refill runs beside
        // it and is not
        // on the activation's path), so it counts 0 here; without, it is the start timer's growth.
        long start =
            prewarm
                ? 0
                : Math.round(
                    startTimer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)
                        - startMsBefore);
        long init = c.record().annotation("initTime").orElseThrow().asLong();
        totals.add(total);
        starts.add(start);
        inits.add(init);
        rests.add(total - start - init);
      }
    }
    return Map.of(
        "total",
        median(totals),
        "create+start",
        median(starts),
        "init",
        median(inits),
        "delivery+join+first record+run",
        median(rests));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }
}
