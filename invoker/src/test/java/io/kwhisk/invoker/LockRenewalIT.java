package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.CompletionMessage;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Activations that run longer than the share group's record lock, against a broker whose lock is 2
 * s (production default: 30 s): the proxy's feed must renew the lock, or the broker hands the
 * record out again while it runs and the action runs twice.
 */
class LockRenewalIT {
  private static final int INVOKER_ID = 73;
  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";

  private static ControllerDouble controller;
  private static Invoker invoker;

  @BeforeAll
  static void start() throws Exception {
    assertThat(docker("images", "-q", IMAGE))
        .as("runtime image %s (scripts/build-runtimes.sh)", IMAGE)
        .isNotEmpty();
    controller =
        ControllerDouble.start(
            Map.of(
                "group.share.min.record.lock.duration.ms", "1000",
                "group.share.record.lock.duration.ms", "2000"));
    invoker =
        Invoker.start(
            InvokerConfig.from(
                ConfigSource.of(
                    Map.of(
                        "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
                        "kwhisk.invoker.id", Integer.toString(INVOKER_ID),
                        "kwhisk.invoker.keep-alive", "30s",
                        "kwhisk.invoker.prefetch", "2",
                        "kwhisk.invoker.heartbeat-interval", "500ms",
                        "kwhisk.invoker.metrics-port", "0"))));
  }

  @AfterAll
  static void stop() throws Exception {
    ControllerDouble.shutDown(invoker, controller, INVOKER_ID);
  }

  @Test
  @Timeout(120)
  void activationsHeldLongerThanTheRecordLockRunOnceEachBecauseTheFeedRenewsTheirLocks()
      throws Exception {
    Action action =
        controller.action(
            "slow-" + UUID.randomUUID().toString().substring(0, 8),
            30_000,
            256,
            "function main(p) { return new Promise(r => setTimeout(() => r({ n: p.n }), 3000)); }");
    controller.createContainer(INVOKER_ID, action);
    // Two records in one poll (prefetch 2, concurrency 1): the second waits ~3 s in the proxy, then
    // runs ~3 s, so
    // both outlive the 2 s lock, one while running and one while queued.
    String first = controller.send(action, Json.object().put("n", 1));
    String second = controller.send(action, Json.object().put("n", 2));

    CompletionMessage a = controller.awaitCompletion(first);
    CompletionMessage b = controller.awaitCompletion(second);

    assertThat(a.record().response().result().get("n").asInt()).isEqualTo(1);
    assertThat(b.record().response().result().get("n").asInt()).isEqualTo(2);
    // A redelivered record would run again and publish a second completion within ~3-6 s.
    await()
        .during(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                controller.completionCount(first) == 1 && controller.completionCount(second) == 1);
  }
}
