package io.kwhisk.invoker.push;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.invoker.ControllerDouble;
import io.kwhisk.invoker.Invoker;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An invoker in the baseline ("hash") mode against the real embedded broker and Docker with the
 * Node.js runtime. The test plays the controller (through {@link ControllerDouble}): it pushes
 * activations to {@code invoker<N>.activations} and reads completions from {@code completed0}. The
 * invoker's user memory holds exactly one 256 MB container.
 */
class PushPoolIT {
  /** Unique per run (800-999) so start-up clean-up never touches another test's containers. */
  private static final int INVOKER_ID = ThreadLocalRandom.current().nextInt(800, 1000);

  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  private static ControllerDouble controller;
  private static Invoker invoker;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE))
        .as("runtime image %s (scripts/build-runtimes.sh)", IMAGE)
        .isNotEmpty();
    controller = ControllerDouble.start();
    invoker =
        Invoker.start(
            InvokerConfig.from(
                ConfigSource.of(
                    Map.of(
                        "kwhisk.kafka.bootstrap-servers",
                        controller.bootstrapServers(),
                        InvokerConfig.ID,
                        Integer.toString(INVOKER_ID),
                        InvokerConfig.SCHEDULING,
                        "hash",
                        InvokerConfig.USER_MEMORY,
                        "256",
                        InvokerConfig.KEEP_ALIVE,
                        "30s",
                        InvokerConfig.HEARTBEAT,
                        "500ms"))));
  }

  @AfterAll
  static void stop() throws Exception {
    ControllerDouble.shutDown(invoker, controller, INVOKER_ID);
    assertThat(containersOfInvoker()).as("containers left behind").isEmpty();
  }

  @Test
  @Timeout(120)
  void aPushedActivationRunsOnANewContainerAndTheNextOnTheWarmOne() throws Exception {
    Action action =
        action("hello-" + suffix(), "function main(p) { return { greeting: 'Hello ' + p.name }; }");
    CompletionMessage cold =
        controller.awaitCompletion(push(action, Json.object().put("name", "Ada")));
    assertThat(cold.record().response().success()).as(cold.record().response().toString()).isTrue();
    assertThat(cold.record().response().result().get("greeting").asText()).isEqualTo("Hello Ada");
    assertThat(cold.record().annotation("initTime")).isPresent();
    assertThat(cold.invokerId()).isEqualTo(INVOKER_ID);

    CompletionMessage warm =
        controller.awaitCompletion(push(action, Json.object().put("name", "Grace")));
    assertThat(warm.record().response().result().get("greeting").asText()).isEqualTo("Hello Grace");
    assertThat(warm.record().annotation("initTime")).isEmpty();
    assertThat(warm.containerId()).isEqualTo(cold.containerId());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              InvokerHeartbeat hb = controller.lastHeartbeat(INVOKER_ID);
              assertThat(hb.containersByAction()).containsEntry(action.fqn().path(), 1);
              assertThat(hb.userMemoryMb()).isEqualTo(256);
              assertThat(hb.freeMemoryMb()).isZero();
              assertThat(hb.idleMemoryMb()).isEqualTo(256);
            });
  }

  @Test
  @Timeout(180)
  void withRoomForOneContainerAlternatingActionsEvictAndRecreateContainers() throws Exception {
    Action a = action("alt-a-" + suffix(), "function main() { return { who: 'a' }; }");
    Action b = action("alt-b-" + suffix(), "function main() { return { who: 'b' }; }");
    double evictionsBefore = evictions();
    Set<String> containers = new HashSet<>();
    int coldStarts = 0;
    for (Action next : List.of(a, b, a, b)) {
      CompletionMessage c = controller.awaitCompletion(push(next, Json.object()));
      assertThat(c.record().response().result().get("who").asText())
          .isEqualTo(next == a ? "a" : "b");
      if (c.record().annotation("initTime").isPresent()) coldStarts++;
      containers.add(c.containerId());
      assertThat(containersOfInvoker().size())
          .as("never more than the memory holds")
          .isLessThanOrEqualTo(1);
    }
    assertThat(coldStarts)
        .as("every invoke after the first of the other action is a cold start")
        .isEqualTo(4);
    assertThat(containers).hasSize(4);
    assertThat(evictions() - evictionsBefore).isGreaterThanOrEqualTo(3);
  }

  @Test
  @Timeout(120)
  void anActivationOfAnotherActionQueuesWhileTheOnlyContainerIsBusyThenRuns() throws Exception {
    Action slow =
        action(
            "slow-" + suffix(),
            "function main() { return new Promise(r => setTimeout(() => r({ slow: true }), 1500)); }");
    Action quick = action("quick-" + suffix(), "function main() { return { quick: true }; }");
    String first = push(slow, Json.object());
    await() // the pool took the slow one first: its container holds the only room
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              InvokerHeartbeat hb = controller.lastHeartbeat(INVOKER_ID);
              return hb != null && hb.containersByAction().containsKey(slow.fqn().path());
            });
    String second = push(quick, Json.object());
    CompletionMessage slowDone = controller.awaitCompletion(first);
    CompletionMessage quickDone = controller.awaitCompletion(second);
    assertThat(slowDone.record().response().success()).isTrue();
    assertThat(quickDone.record().response().success()).isTrue();
    assertThat(quickDone.record().start())
        .as("the quick one started after the slow one ended")
        .isGreaterThanOrEqualTo(slowDone.record().end());
  }

  private static double evictions() {
    return invoker.metrics().registry().get(InvokerMetrics.EVICTIONS).counter().count();
  }

  /** An action as the controller pushes it in baseline mode: no action topic, a fresh revision. */
  private static Action action(String name, String code) {
    return new Action(
        "guest",
        name,
        UUID.randomUUID().toString(),
        null,
        new Exec("nodejs:20", code, null, false, null),
        null,
        null,
        new ActionLimits(10_000, 256, 10, 1),
        0,
        false,
        0);
  }

  private static String push(Action action, ObjectNode params) throws Exception {
    return controller.push(INVOKER_ID, action, params);
  }

  private static List<String> containersOfInvoker() throws Exception {
    return ControllerDouble.containersOfInvoker(INVOKER_ID);
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
