package io.kwhisk.invoker;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Activations of an action whose container can never start end at once with an error record instead
 * of waiting forever: a blackbox image that does not exist (a developer error with OpenWhisk's
 * message) and a kind the invoker has no image for (a whisk error), on the real broker and the real
 * Docker engine.
 */
class UnavailableImageIT {
  private static final int ID = 91;
  private static ControllerDouble controller;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (controller != null) controller.close();
    } finally {
      ControllerDouble.removeContainersOfInvoker(ID);
    }
  }

  private static Invoker invoker() {
    return Invoker.start(
        InvokerConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
                    "kwhisk.invoker.id", Integer.toString(ID),
                    "kwhisk.invoker.keep-alive", "10s",
                    "kwhisk.invoker.heartbeat-interval", "500ms",
                    "kwhisk.invoker.pause-grace", "0"))));
  }

  @Test
  @Timeout(120)
  void everyQueuedActivationOfABlackboxImageThatDoesNotExistEndsWithAnImagePullError()
      throws Exception {
    String image =
        "kwhisk/no-such-image-" + UUID.randomUUID().toString().substring(0, 8) + ":missing";
    try (Invoker invoker = invoker()) {
      Action action =
          controller.action(
              "ghost-" + UUID.randomUUID().toString().substring(0, 8),
              new Exec(Exec.BLACKBOX, null, null, false, image),
              Map.of(),
              new ActionLimits(10_000, 128, 10, 1));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 3; i++) ids.add(controller.send(action, Json.object().put("n", i)));
      controller.createContainer(ID, action);
      for (String id : ids) {
        ActivationRecord record = controller.awaitRecord(id);
        assertThat(record.response().status()).isEqualTo("action developer error");
        assertThat(record.response().result().get("error").asText())
            .isEqualTo("Failed to pull container image '" + image + "'.");
      }
    }
  }

  @Test
  @Timeout(120)
  void anActivationOfAKindTheInvokerHasNoImageForEndsWithAWhiskError() throws Exception {
    try (Invoker invoker = invoker()) {
      Action action =
          controller.action(
              "cobol-" + UUID.randomUUID().toString().substring(0, 8),
              new Exec("cobol:85", "x", null, false, null),
              Map.of(),
              new ActionLimits(10_000, 128, 10, 1));
      String id = controller.send(action, Json.object());
      controller.createContainer(ID, action);
      ActivationRecord record = controller.awaitRecord(id);
      assertThat(record.response().status()).isEqualTo("whisk internal error");
      assertThat(record.response().result().get("error").asText())
          .contains("no image for the kind 'cobol:85'");
    }
  }
}
