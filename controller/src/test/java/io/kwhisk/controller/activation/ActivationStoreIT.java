package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.Harness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The controller's RocksDB activation store on a real broker: records survive a restart without the
 * completions topic being read again, a duplicate completion after the restart is dropped,
 * retention deletes old records, and the API lists them as OpenWhisk does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ActivationStoreIT {
  static final String ACTIVATIONS = "/api/v1/namespaces/_/activations";
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  /** Plays an invoker: writes the completion of a {@code guest} activation to completed0. */
  static ActivationRecord complete(Harness on, String name, long start, String result)
      throws Exception {
    String id = ActivationIds.next();
    ActivationRecord record = record(id, name, start, result);
    on.publish(Topics.completedTopic(0), id, new CompletionMessage(id, 7, "container-1", record));
    return record;
  }

  static ActivationRecord record(String id, String name, long start, String result) {
    return new ActivationRecord(
        "guest",
        name,
        "0.0.1",
        "guest",
        id,
        start,
        start + 5,
        5,
        0,
        ActivationResponse.success(Json.object().put("r", result)),
        List.of("a log line"),
        List.of(),
        false);
  }

  static int status(Harness on, String id) throws Exception {
    return on.call("GET", ACTIVATIONS + "/" + id, null).statusCode();
  }

  static String result(Harness on, String id) throws Exception {
    return Harness.json(on.call("GET", ACTIVATIONS + "/" + id + "/result", null))
        .path("result")
        .path("r")
        .asText();
  }

  @Test
  void recordsSurviveARestartWithoutTheTopicBeingReadAgainAndALaterDuplicateIsDropped()
      throws Exception {
    long now = System.currentTimeMillis();
    List<ActivationRecord> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) records.add(complete(h, "survivor", now + i, "first" + i));
    for (ActivationRecord r : records) {
      await().atMost(Duration.ofSeconds(20)).until(() -> status(h, r.activationId()) == 200);
    }

    h.stopController();
    h.startController();

    ActivationStore store = h.controller().activations();
    TopicPartition completed = new TopicPartition(Topics.completedTopic(0), 0);
    long end =
        h.admin()
            .listOffsets(Map.of(completed, OffsetSpec.latest()))
            .partitionResult(completed)
            .get()
            .offset();
    // The follower took its topic up at the stored offset, the end: it read no record again.
    assertThat(store.resumeAt(completed.topic(), 0)).isEqualTo(OptionalLong.of(end));
    assertThat(store.stored()).isZero();
    assertThat(store.dropped()).isZero();
    for (ActivationRecord r : records) {
      assertThat(status(h, r.activationId())).isEqualTo(200);
      assertThat(result(h, r.activationId())).isEqualTo("first" + records.indexOf(r));
    }

    ActivationRecord first = records.get(0);
    ActivationRecord rerun = record(first.activationId(), "survivor", now + 50, "rerun");
    h.publish(
        Topics.completedTopic(0),
        first.activationId(),
        new CompletionMessage(first.activationId(), 8, "container-2", rerun));
    await().atMost(Duration.ofSeconds(20)).until(() -> store.dropped() == 1);
    assertThat(result(h, first.activationId())).isEqualTo("first0");
    assertThat(store.resumeAt(completed.topic(), 0)).isEqualTo(OptionalLong.of(end + 1));
  }

  @Test
  void theListIsNewestFirstAndFiltersByNameTimeSkipAndLimit() throws Exception {
    long t = System.currentTimeMillis() - 100_000; // before the other tests' records
    ActivationRecord a1 = complete(h, "lister", t + 100, "a1");
    ActivationRecord b = complete(h, "other-lister", t + 200, "b");
    ActivationRecord a2 = complete(h, "lister", t + 300, "a2");
    ActivationRecord a3 = complete(h, "lister", t + 400, "a3");
    await().atMost(Duration.ofSeconds(20)).until(() -> status(h, a3.activationId()) == 200);

    assertThat(ids("?name=lister"))
        .containsExactly(a3.activationId(), a2.activationId(), a1.activationId());
    assertThat(ids("?name=lister&skip=1&limit=1")).containsExactly(a2.activationId());
    assertThat(ids("?since=" + (t + 200) + "&upto=" + (t + 300)))
        .containsExactly(a2.activationId(), b.activationId());
    assertThat(ids("?name=lister&upto=" + (t + 300)))
        .containsExactly(a2.activationId(), a1.activationId());
    assertThat(ids("?since=" + (t + 100) + "&upto=" + (t + 400)))
        .containsExactly(a3.activationId(), a2.activationId(), b.activationId(), a1.activationId());
    JsonNode count = Harness.json(h.call("GET", ACTIVATIONS + "?name=lister&count=true", null));
    assertThat(count.path("activations").asLong()).isEqualTo(3);
    JsonNode docs =
        Harness.json(h.call("GET", ACTIVATIONS + "?name=lister&limit=1&docs=true", null));
    assertThat(docs.get(0).path("response").path("result").path("r").asText()).isEqualTo("a3");
    assertThat(docs.get(0).path("logs").get(0).asText()).isEqualTo("a log line");
  }

  @Test
  void retentionDeletesARecordOnceItEndedLongerAgoThanTheRetention() throws Exception {
    try (Harness shortLived = Harness.start(Map.of(ActivationStoreSettings.RETENTION, "4s"))) {
      ActivationRecord r = complete(shortLived, "brief", System.currentTimeMillis(), "x");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> status(shortLived, r.activationId()) == 200);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> status(shortLived, r.activationId()) == 404);
      assertThat(Harness.json(shortLived.call("GET", ACTIVATIONS + "?name=brief", null))).isEmpty();
      String retention =
          shortLived
              .admin()
              .describeConfigs(
                  List.of(
                      new org.apache.kafka.common.config.ConfigResource(
                          org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                          Topics.completedTopic(0))))
              .all()
              .get()
              .values()
              .iterator()
              .next()
              .get("retention.ms")
              .value();
      assertThat(retention).isEqualTo("4000");
    }
  }

  static List<String> ids(String query) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode n : Harness.json(h.call("GET", ACTIVATIONS + query, null)))
      out.add(n.path("activationId").asText());
    return out;
  }
}
