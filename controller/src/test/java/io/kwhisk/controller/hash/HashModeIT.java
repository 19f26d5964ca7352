package io.kwhisk.controller.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The baseline ("hash") scheduling mode against a real broker; the test plays two invokers. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HashModeIT {
  static final List<Integer> INVOKERS = List.of(3, 5);
  static Harness h;

  @BeforeAll
  static void start() throws Exception {
    h =
        Harness.start(
            Map.of(ControllerConfig.HEARTBEAT_TIMEOUT, "10m", ControllerConfig.SCHEDULING, "hash"));
    h.admin()
        .createTopics(
            INVOKERS.stream()
                .map(
                    id ->
                        new NewTopic(
                            Topics.invokerActivationsTopic(id), Optional.of(1), Optional.empty()))
                .toList())
        .all()
        .get(30, TimeUnit.SECONDS);
    for (int id : INVOKERS) heartbeat(id, 4096);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.controller().schedulerView().healthy().keySet().containsAll(INVOKERS));
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static void heartbeat(int id, long freeMb) throws Exception {
    h.publish(
        Topics.HEALTH,
        String.valueOf(id),
        new InvokerHeartbeat(id, 4096, freeMb, 0, Map.of(), 0, System.currentTimeMillis(), 0));
  }

  static int home(String action) {
    return INVOKERS.get(HomeInvoker.homeIndex("guest", action, INVOKERS.size()));
  }

  static int other(int invoker) {
    return INVOKERS.get(0) == invoker ? INVOKERS.get(1) : INVOKERS.get(0);
  }

  /** The first record on {@code consumer} that pushes an activation of {@code action}. */
  static ConsumerRecord<String, byte[]> awaitPushed(
      KafkaConsumer<String, byte[]> consumer, String action) {
    List<ConsumerRecord<String, byte[]>> found = new java.util.ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (Json.decode(r.value(), PushedActivation.class).action().name().equals(action))
                  found.add(r);
              }
              return !found.isEmpty();
            });
    return found.get(0);
  }

  @Test
  void aBlockingInvokeIsPushedToTheHomeInvokersTopicAndAnsweredByItsCompletion() throws Exception {
    assertThat(h.createAction("hashed", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    CompletableFuture<HttpResponse<String>> answer =
        h.callAsync("POST", "/api/v1/namespaces/_/actions/hashed?blocking=true", "{\"n\":1}");

    try (KafkaConsumer<String, byte[]> home =
        h.reader(Topics.invokerActivationsTopic(home("hashed")))) {
      ConsumerRecord<String, byte[]> record = awaitPushed(home, "hashed");
      PushedActivation pushed = Json.decode(record.value(), PushedActivation.class);
      assertThat(record.key()).isEqualTo(pushed.activation().activationId());
      assertThat(pushed.action().exec().code()).isEqualTo("x");
      assertThat(pushed.activation().params().get("n").asInt()).isEqualTo(1);
      // The scheduler plans no container: the invoker creates its own.
      assertThat(h.controller().schedulerView().inFlight()).isEmpty();

      h.complete(
          pushed.activation(),
          ActivationResponse.success(Json.object().put("ok", true)),
          List.of());
      HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(Harness.json(r).at("/response/result/ok").asBoolean()).isTrue();
    }
    try (KafkaConsumer<String, byte[]> actionTopic =
        h.reader(
            Topics.actionTopic(
                new io.kwhisk.common.entity.FullyQualifiedName("guest", "hashed")))) {
      assertThat(actionTopic.poll(Duration.ofSeconds(1)).isEmpty())
          .as("nothing on the action's topic")
          .isTrue();
    }
  }

  @Test
  void anInvokeStepsToTheNextInvokerWhenTheHomeShowsNoRoom() throws Exception {
    assertThat(h.createAction("stepping", Harness.nodeAction("x")).statusCode()).isEqualTo(200);
    int home = home("stepping");
    heartbeat(home, 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                h.controller().schedulerView().healthy().get(home).heartbeat().freeMemoryMb() == 0);
    try {
      HttpResponse<String> r = h.call("POST", "/api/v1/namespaces/_/actions/stepping", "{}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = Harness.json(r).get("activationId").asText();
      try (KafkaConsumer<String, byte[]> next =
          h.reader(Topics.invokerActivationsTopic(other(home)))) {
        PushedActivation pushed =
            Json.decode(Harness.awaitRecord(next, id).value(), PushedActivation.class);
        assertThat(pushed.action().name()).isEqualTo("stepping");
      }
    } finally {
      heartbeat(home, 4096);
    }
  }
}
