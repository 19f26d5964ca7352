package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deleting an action whose activations are still queued (no container ever took them) ends each of
 * them with an error record saying the action was deleted, for its blocking caller and for {@code
 * GET}, before the action's topic goes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueueDrainIT {
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m"));
    h.heartbeat(7, Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  @Test
  void deletingAnActionEndsEachOfItsQueuedActivationsWithAnErrorRecordThenDeletesItsTopic()
      throws Exception {
    assertThat(h.createAction("short-lived", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    String base = "/api/v1/namespaces/_/actions/short-lived";
    CompletableFuture<HttpResponse<String>> blocking =
        h.callAsync("POST", base + "?blocking=true", "{}");
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.call("POST", base, "{}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      queued.add(Harness.json(r).get("activationId").asText());
    }

    assertThat(h.call("DELETE", base, null).statusCode()).isEqualTo(200);

    HttpResponse<String> answer = blocking.get(60, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(500);
    assertThat(Harness.json(answer).at("/response/result/error").asText())
        .isEqualTo(ErrorRecords.ACTION_DELETED);
    for (String id : queued) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  h.call("GET", "/api/v1/namespaces/_/activations/" + id, null).statusCode()
                      == 200);
      JsonNode record = Harness.json(h.call("GET", "/api/v1/namespaces/_/activations/" + id, null));
      assertThat(record.at("/response/status").asText()).isEqualTo("whisk internal error");
      assertThat(record.at("/response/result/error").asText())
          .isEqualTo(ErrorRecords.ACTION_DELETED);
    }
    String topic = Topics.actionTopic(new FullyQualifiedName("guest", "short-lived"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !h.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aDrainCutShortByTheControllersStopIsFinishedWhenAControllerStartsAgain() throws Exception {
    FullyQualifiedName fqn = new FullyQualifiedName("guest", "cut-short");
    assertThat(h.createAction("cut-short", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    String base = "/api/v1/namespaces/_/actions/cut-short";
    List<String> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.call("POST", base, "{}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      queued.add(Harness.json(r).get("activationId").asText());
    }
    Set<String> ended = ConcurrentHashMap.newKeySet();
    try (KafkaConsumer<String, byte[]> completions = h.reader(Topics.completedTopic(0))) {
      // A container of a stopped invoker holds one record (acquired, never acknowledged): the drain
      // cannot finish before the controller stops.
      String held;
      try (KafkaShareConsumer<String, byte[]> holder = holder(fqn)) {
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  holder.poll(Duration.ofMillis(200)).forEach(got::add);
                  return !got.isEmpty();
                });
        held = got.get(0).key();
        assertThat(h.call("DELETE", base, null).statusCode()).isEqualTo(200);
        await()
            .alias("the drain ends the records it could take")
            .atMost(Duration.ofSeconds(30))
            .until(() -> collectDeleted(completions, queued, ended).size() == 2);
        assertThat(ended).doesNotContain(held);
        h.stopController();
      } // the holder leaves: its record is available again, and nobody drains it
      String topic = Topics.actionTopic(fqn);
      assertThat(h.admin().listTopics().names().get(10, TimeUnit.SECONDS))
          .as("the drain was cut short: the topic stays")
          .contains(topic);

      h.startController();
      h.heartbeat(7, Map.of());
      await()
          .alias("the controller that starts adopts the drain once its note is stale")
          .atMost(Duration.ofSeconds(60))
          .until(() -> collectDeleted(completions, queued, ended).containsAll(queued));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !h.admin().listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
      await()
          .alias("its note goes")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  DrainJournal.pending(
                          KafkaSettings.of(h.bootstrapServers()),
                          "drain-check",
                          Duration.ofSeconds(20))
                      .stream()
                      .noneMatch(n -> n.action().fqn().equals(fqn)));
    }
  }

  private static KafkaShareConsumer<String, byte[]> holder(FullyQualifiedName fqn) {
    KafkaShareConsumer<String, byte[]> c =
        new KafkaShareConsumer<>(
            Map.of(
                "bootstrap.servers",
                h.bootstrapServers(),
                "group.id",
                Topics.actionGroup(fqn),
                "share.acknowledgement.mode",
                "explicit",
                "share.acquire.mode",
                "record_limit",
                "max.poll.records",
                1),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    c.subscribe(List.of(Topics.actionTopic(fqn)));
    return c;
  }

  /** Adds the ids of {@code ids} whose "action was deleted" record {@code completions} yields. */
  private static Set<String> collectDeleted(
      KafkaConsumer<String, byte[]> completions, List<String> ids, Set<String> ended) {
    for (ConsumerRecord<String, byte[]> r : completions.poll(Duration.ofMillis(200))) {
      if (!ids.contains(r.key())) continue;
      CompletionMessage m = Json.decode(r.value(), CompletionMessage.class);
      if (m.record() != null
          && ErrorRecords.ACTION_DELETED.equals(
              m.record().response().result().path("error").asText())) ended.add(r.key());
    }
    return ended;
  }
}
