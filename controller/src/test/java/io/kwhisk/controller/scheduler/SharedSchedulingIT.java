package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.Controller;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import io.kwhisk.controller.throttle.AdmissionSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two real controllers on one broker schedule each action from one of them, and the other takes
 * over.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SharedSchedulingIT {
  private static final String PATH = "/api/v1/namespaces/_/actions/shared";

  @Test
  void
      anActionInvokedThroughTwoControllersGetsOneFirstContainerAndTheSurvivorSchedulesWhenItsOwnerStops()
          throws Exception {
    try (Harness h =
        Harness.start(
            Map.of(
                ControllerConfig.HEARTBEAT_TIMEOUT, "10m", AdmissionSettings.CONTROLLERS, "2"))) {
      Controller second = h.startAnother(1);
      try {
        run(h, second);
      } finally {
        second.close();
      }
    }
  }

  private static void run(Harness h, Controller second) throws Exception {
    h.heartbeat(7, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                h.controller().schedulerView().hasHealthyInvoker()
                    && second.schedulerView().hasHealthyInvoker());
    // Once the group has settled: a new owner does not know its predecessor's creations in flight
    // (documented).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !h.controller().ownership().owned().isEmpty()
                    && !second.ownership().owned().isEmpty()
                    && h.controller().ownership().owned().size() + second.ownership().owned().size()
                        == 16);
    // Concurrency 10: the 6 activations fit one container, so the scheduler wants exactly one (no
    // scale-up).
    assertThat(
            h.createAction(
                    "shared",
                    "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"x\"},"
                        + "\"limits\":{\"concurrency\":10}}")
                .statusCode())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> second.hasNamespace("guest") && invoke(h, second, "GET").statusCode() == 200);

    for (int i = 0; i < 3; i++) {
      assertThat(invoke(h, h.controller(), "POST").statusCode()).isEqualTo(202);
      assertThat(invoke(h, second, "POST").statusCode()).isEqualTo(202);
    }
    try (KafkaConsumer<String, byte[]> invoker =
        SchedulerIT.awaitTopicOn(h, Topics.invokerTopic(7))) {
      List<ContainerCreation> creations = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> read(invoker, creations) >= 1);
      // Unshared, each controller created one at once on its own first activation: a second came
      // within ms.
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(read(invoker, creations))
                      .as("first containers created for one backlog")
                      .isEqualTo(1));
      int ownerId = creations.get(0).controllerId();

      Controller survivor = ownerId == 0 ? second : h.controller();
      if (ownerId == 0) h.stopController();
      else second.close(); // closed again by the caller, which does nothing
      h.heartbeat(7, Map.of());
      for (int i = 0; i < 3; i++)
        assertThat(invoke(h, survivor, "POST").statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(60)).until(() -> read(invoker, creations) >= 2);
      assertThat(creations.get(1).controllerId()).isEqualTo(survivor.config().id());
    }
  }

  private static HttpResponse<String> invoke(Harness h, Controller via, String method)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + via.port() + PATH))
            .header("Authorization", Harness.basic(h.guest()))
            .method(
                method,
                "POST".equals(method)
                    ? HttpRequest.BodyPublishers.ofString("{}")
                    : HttpRequest.BodyPublishers.noBody())
            .build();
    return h.http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Adds the creations of the action newly on the invoker's topic; returns how many there are in
   * all.
   */
  private static int read(
      KafkaConsumer<String, byte[]> invoker, List<ContainerCreation> creations) {
    for (ConsumerRecord<String, byte[]> r : invoker.poll(Duration.ofMillis(200))) {
      if ("guest/shared".equals(r.key())
          && Json.decode(r.value(), InvokerCommand.class) instanceof ContainerCreation c) {
        creations.add(c);
      }
    }
    return creations.size();
  }
}
