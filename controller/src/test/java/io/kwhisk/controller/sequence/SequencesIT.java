package io.kwhisk.controller.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sequences through the REST API; the test plays the invoker, so it sees each component's message.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SequencesIT {
  static final String NS = "/api/v1/namespaces/_";

  @Test
  void writingABadSequenceAnswers400WithOpenWhisksMessage() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.createAction("a", Harness.nodeAction("x"));
      assertThat(error(h.createAction("s", seq())))
          .isEqualTo("No component specified for the sequence.");
      assertThat(error(h.createAction("s", seq("/_/missing"))))
          .isEqualTo("Sequence component does not exist.");
      assertThat(error(h.createAction("s", seq("/_/s"))))
          .isEqualTo("Sequence component does not exist.");
      assertThat(h.createAction("s", seq("/_/a")).statusCode()).isEqualTo(200);
      assertThat(error(h.call("PUT", NS + "/actions/s?overwrite=true", seq("/_/a", "/_/s"))))
          .isEqualTo("Sequence may not refer to itself.");
      String fiftyOne = String.join(",", java.util.Collections.nCopies(51, "\"/_/a\""));
      assertThat(
              error(
                  h.createAction(
                      "long",
                      "{\"exec\":{\"kind\":\"sequence\",\"components\":[" + fiftyOne + "]}}")))
          .isEqualTo("Too many actions in the sequence.");
      assertThat(
              h.createAction("bad", "{\"exec\":{\"kind\":\"sequence\",\"components\":\"/_/a\"}}")
                  .statusCode())
          .isEqualTo(400);
    }
  }

  @Test
  void aStoppingControllerFinishesTheSequencesItAcceptedAndRecordsThem() throws Exception {
    ExecutorService stopper = Executors.newSingleThreadExecutor();
    try (Harness h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"))) {
      h.heartbeat(7, Map.of());
      h.createAction("first", Harness.nodeAction("x"));
      h.createAction("second", Harness.nodeAction("x"));
      assertThat(h.createAction("both", seq("/_/first", "/_/second")).statusCode()).isEqualTo(200);
      try (KafkaConsumer<String, byte[]> first = h.reader(topic("first"));
          KafkaConsumer<String, byte[]> second = h.reader(topic("second"));
          KafkaConsumer<String, byte[]> completions = h.reader(Topics.completedTopic(0))) {
        HttpResponse<String> accepted = h.call("POST", NS + "/actions/both", "{\"n\":1}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String sequenceId = Harness.json(accepted).path("activationId").asText();
        ActivationMessage one = message(first);
        assertThat(one.cause()).isEqualTo(sequenceId);
        assertThat(one.params().toString()).isEqualTo("{\"n\":1}");

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(h::stopController, stopper);
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(10))
            .until(() -> !stopped.isDone());
        h.complete(one, ActivationResponse.success(Json.object().put("n", 2)), List.of());
        ActivationMessage two = message(second);
        assertThat(two.params().toString()).isEqualTo("{\"n\":2}");
        h.complete(two, ActivationResponse.success(Json.object().put("n", 3)), List.of());
        stopped.get(30, TimeUnit.SECONDS);

        CompletionMessage record =
            Json.decode(
                Harness.awaitRecord(completions, sequenceId).value(), CompletionMessage.class);
        assertThat(record.record().logs()).containsExactly(one.activationId(), two.activationId());
        assertThat(record.record().response().result().toString()).isEqualTo("{\"n\":3}");
        assertThat(record.record().annotation("kind").orElseThrow().asText()).isEqualTo("sequence");
      }
    } finally {
      stopper.shutdownNow();
    }
  }

  @Test
  void
      aSequenceItsControllerStoppedBeforeItEndedGetsAnErrorRecordOfItsEndedComponentsWhenTheControllerStartsAgain()
          throws Exception {
    try (Harness h =
        Harness.start(
            Map.of(
                ControllerConfig.HEARTBEAT_TIMEOUT, "10m", ControllerConfig.BLOCKING_WAIT, "1s"))) {
      h.heartbeat(7, Map.of());
      h.createAction("first", Harness.nodeAction("x"));
      h.createAction("second", Harness.nodeAction("x"));
      assertThat(h.createAction("both", seq("/_/first", "/_/second")).statusCode()).isEqualTo(200);
      try (KafkaConsumer<String, byte[]> first = h.reader(topic("first"));
          KafkaConsumer<String, byte[]> journal = h.reader(Topics.SEQUENCES);
          KafkaConsumer<String, byte[]> completions = h.reader(Topics.completedTopic(0))) {
        HttpResponse<String> accepted = h.call("POST", NS + "/actions/both", "{\"n\":1}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String sequenceId = Harness.json(accepted).path("activationId").asText();
        ActivationMessage one = message(first);
        h.complete(one, ActivationResponse.success(Json.object().put("n", 2)), List.of());
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  for (var r : journal.poll(Duration.ofMillis(200))) {
                    if (r.value() != null
                        && Json.decode(r.value(), SequenceNote.class).components().size() == 1)
                      return true;
                  }
                  return false;
                });

        // The second component never answers: the stop gives up on the sequence after its drain.
        h.stopController();
        h.startController();

        CompletionMessage record =
            Json.decode(
                Harness.awaitRecord(completions, sequenceId).value(), CompletionMessage.class);
        assertThat(record.record().response().statusCode())
            .isEqualTo(ActivationResponse.WHISK_ERROR);
        assertThat(record.record().response().result().path("error").asText())
            .isEqualTo(SequenceNote.INTERRUPTED);
        assertThat(record.record().logs()).containsExactly(one.activationId());
        assertThat(record.record().annotation("kind").orElseThrow().asText()).isEqualTo("sequence");
        assertThat(record.record().annotation("path").orElseThrow().asText())
            .isEqualTo("guest/both");
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  HttpResponse<String> read =
                      h.call("GET", NS + "/activations/" + sequenceId, null);
                  assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                  assertThat(Harness.json(read).at("/response/status").asText())
                      .isEqualTo("whisk internal error");
                });
        assertThat(
                SequenceRecovery.read(
                    io.kwhisk.common.kafka.KafkaSettings.of(h.bootstrapServers()),
                    "test-journal",
                    0,
                    Duration.ofSeconds(20)))
            .isEmpty();
      }
    }
  }

  static String seq(String... components) {
    StringBuilder b = new StringBuilder("{\"exec\":{\"kind\":\"sequence\",\"components\":[");
    for (int i = 0; i < components.length; i++)
      b.append(i == 0 ? "" : ",").append('"').append(components[i]).append('"');
    return b.append("]}}").toString();
  }

  static String topic(String action) {
    return Topics.actionTopic(new FullyQualifiedName("guest", action));
  }

  static ActivationMessage message(KafkaConsumer<String, byte[]> consumer) {
    return Json.decode(Harness.awaitRecord(consumer, null).value(), ActivationMessage.class);
  }

  static String error(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    return Harness.json(response).path("error").asText();
  }
}
