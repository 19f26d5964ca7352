package io.kwhisk.controller.api.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.Controller;
import io.kwhisk.controller.Harness;
import io.kwhisk.controller.throttle.AdmissionSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The built-in alarms feed: schedules checked, kept across a restart, fired once with two
 * controllers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AlarmsIT {
  static final String NS = "/api/v1/namespaces/_";
  static final String EVERY_SECOND =
      "{\"annotations\":[{\"key\":\"feed\",\"value\":\"/whisk.system/alarms/alarm\"}],"
          + "\"parameters\":[{\"key\":\"cron\",\"value\":\"* * * * * *\"},"
          + "{\"key\":\"trigger_payload\",\"value\":{\"from\":\"alarm\"}}]}";

  @Test
  void aBadScheduleIsRefusedAndAnAlarmKeepsFiringAfterARestart() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.heartbeat(1, Map.of());
      assertThat(
              h.call("PUT", NS + "/triggers/bad", EVERY_SECOND.replace("* * * * * *", "* * 99 * *"))
                  .statusCode())
          .isEqualTo(400);
      assertThat(h.call("GET", NS + "/triggers/bad", null).statusCode()).isEqualTo(404);
      h.createAction("woken", Harness.nodeAction("x"));
      assertThat(h.call("PUT", NS + "/triggers/clock", EVERY_SECOND).statusCode()).isEqualTo(200);
      assertThat(
              h.call("PUT", NS + "/rules/wake", "{\"trigger\":\"clock\",\"action\":\"woken\"}")
                  .statusCode())
          .isEqualTo(200);
      try (KafkaConsumer<String, byte[]> topic =
          h.reader(Topics.actionTopic(new FullyQualifiedName("guest", "woken")))) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  topic.poll(Duration.ofMillis(200)).forEach(seen::add);
                  return seen.size() >= 2;
                });
        assertThat(Json.MAPPER.readTree(seen.get(0).value()).path("params").path("from").asText())
            .isEqualTo("alarm");
        h.stopController();
        h.startController();
        h.heartbeat(1, Map.of());
        int before = seen.size();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  topic.poll(Duration.ofMillis(200)).forEach(seen::add);
                  return seen.size() >= before + 2;
                });
      }
    }
  }

  @Test
  void theCliCreatesTheTriggerThenCallsTheFeedActionWithItsLifecycleEvents() throws Exception {
    try (Harness h = Harness.start(Map.of())) {
      h.heartbeat(1, Map.of());
      h.createAction("woken", Harness.nodeAction("x"));
      assertThat(
              h.call(
                      "PUT",
                      NS + "/triggers/cli",
                      "{\"annotations\":[{\"key\":\"feed\","
                          + "\"value\":\"/whisk.system/alarms/alarm\"}]}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              h.call("PUT", NS + "/rules/cli-rule", "{\"trigger\":\"cli\",\"action\":\"woken\"}")
                  .statusCode())
          .isEqualTo(200);
      String feed = "/api/v1/namespaces/whisk.system/actions/alarms/alarm?blocking=true";
      HttpResponse<String> bad =
          h.call(
              "POST",
              feed,
              "{\"lifecycleEvent\":\"CREATE\",\"triggerName\":\"/_/cli\"," + "\"cron\":\"nope\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      HttpResponse<String> created =
          h.call(
              "POST",
              feed,
              "{\"lifecycleEvent\":\"CREATE\","
                  + "\"triggerName\":\"/guest/cli\",\"authKey\":\""
                  + h.guest()
                  + "\",\"cron\":\"* * * * * *\"}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      assertThat(Harness.json(created).path("response").path("success").asBoolean()).isTrue();
      try (KafkaConsumer<String, byte[]> topic =
          h.reader(Topics.actionTopic(new FullyQualifiedName("guest", "woken")))) {
        Harness.awaitRecord(topic, null);
      }
      assertThat(
              h.call("POST", feed, "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/_/cli\"}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              h.call("POST", feed, "{\"lifecycleEvent\":\"DELETE\",\"triggerName\":\"/_/cli\"}")
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              h.call("POST", feed, "{\"lifecycleEvent\":\"READ\",\"triggerName\":\"/_/cli\"}")
                  .statusCode())
          .isEqualTo(404);
      assertThat(h.call("POST", "/api/v1/namespaces/other/actions/alarms/alarm", "{}").statusCode())
          .isEqualTo(403);
    }
  }

  @Test
  void withTwoControllersEachAlarmFiresOnce() throws Exception {
    try (Harness h = Harness.start(Map.of(AdmissionSettings.CONTROLLERS, "2"));
        Controller second = h.startAnother(1)) {
      h.heartbeat(1, Map.of());
      h.createAction("woken", Harness.nodeAction("x"));
      assertThat(h.call("PUT", NS + "/triggers/clock", EVERY_SECOND).statusCode()).isEqualTo(200);
      assertThat(
              h.call("PUT", NS + "/rules/wake", "{\"trigger\":\"clock\",\"action\":\"woken\"}")
                  .statusCode())
          .isEqualTo(200);
      try (KafkaConsumer<String, byte[]> first = h.reader(Topics.completedTopic(0));
          KafkaConsumer<String, byte[]> other = h.reader(Topics.completedTopic(1))) {
        List<Long> starts = new ArrayList<>();
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> {
                  for (KafkaConsumer<String, byte[]> c : List.of(first, other)) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                      CompletionMessage m = Json.decode(r.value(), CompletionMessage.class);
                      if (m.record().name().equals("clock")) starts.add(m.record().start() / 1000);
                    }
                  }
                  return starts.size() >= 6;
                });
        Set<Long> seconds = new HashSet<>(starts);
        assertThat(seconds)
            .as("one fire per second, whichever controller owns the alarm")
            .hasSameSizeAs(starts);
      }
    }
  }
}
