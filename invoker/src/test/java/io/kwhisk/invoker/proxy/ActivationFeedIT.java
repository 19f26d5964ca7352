package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.invoker.ControllerDouble;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The activation feed against a real broker (no containers): how it sizes its polls. */
class ActivationFeedIT {
  private static ControllerDouble controller;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
  }

  @AfterAll
  static void stop() throws Exception {
    controller.close();
  }

  @Test
  @Timeout(120)
  void aFeedResizedWhileItRunsPullsBatchesOfTheNewSizeAndDeliversEveryRecordOnce()
      throws Exception {
    Action action = controller.action("resize", 1_000, 128, "function main(){return {}}");
    int total = 40;
    for (int i = 0; i < total; i++) controller.send(action, Json.object().put("n", i));
    KafkaSettings kafka = KafkaSettings.of(controller.bootstrapServers());

    List<Integer> batches = new CopyOnWriteArrayList<>();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    List<String> duplicates = new CopyOnWriteArrayList<>();
    CompletableFuture<ActivationSource> opened = new CompletableFuture<>();
    ActivationSource feed =
        ActivationFeed.factory(kafka)
            .open(
                action.fqn(),
                "resize-it",
                1,
                1,
                ds -> {
                  ActivationSource self = opened.join();
                  batches.add(ds.size());
                  if (batches.size() == 3) self.resize(8);
                  for (Delivery d : ds) {
                    if (!seen.add(d.activationId())) duplicates.add(d.activationId());
                    self.acknowledge(d);
                  }
                },
                e -> {});
    opened.complete(feed);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == total);
      assertThat(batches.subList(0, 3)).as("one record per poll before the resize").containsOnly(1);
      assertThat(batches).as("batches after the resize").allMatch(n -> n <= 8).anyMatch(n -> n > 1);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(5))
          .until(duplicates::isEmpty);
    } finally {
      feed.close();
    }
  }
}
