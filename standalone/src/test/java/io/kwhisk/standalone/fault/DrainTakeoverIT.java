package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the controller draining a deleted action's queue, with the accepted-versus-recorded
 * ledger: two controllers run as separate processes and no invoker, so every activation accepted
 * (through either) stays queued. A member of the action's share group in this test (a container of
 * an invoker that stopped answering, say) holds a few of them; the action is deleted through
 * controller A, whose drain ends every other one and then waits for the held ones; A is killed, the
 * held records become available again, and controller B, which owns the action once A is gone,
 * adopts the drain when A's last note is stale and ends them. Every accepted activation must end
 * with exactly one record, the "action was deleted" error, readable from B.
 */
class DrainTakeoverIT {
  private static final int QUEUED = 40;
  private static final int HELD = 8;
  private static final String ACTION = "doomed";

  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aDrainCutShortByAControllersDeathIsFinishedByTheActionsOwnerWithOneRecordPerActivation()
      throws Exception {
    // Locks of 60 s: the held records stay held until this test lets them go.
    try (ProcessCluster cluster =
        new ProcessCluster(
            dir,
            Map.of(
                "group.share.record.lock.duration.ms", "60000",
                "group.share.max.record.lock.duration.ms", "60000"))) {
      cluster.registerGuest();
      FaultApi api = new FaultApi(cluster.credentials);
      Map<String, String> settings =
          ProcessCluster.plus(
              ProcessCluster.UNTHROTTLED,
              "kwhisk.controller.throttle.controllers",
              "2",
              "kwhisk.controller.heartbeat-timeout",
              "10m");
      CompletableFuture<ProcessCluster.Node> starting =
          CompletableFuture.supplyAsync(() -> start(cluster, 0, settings));
      ProcessCluster.Node b = start(cluster, 1, settings);
      ProcessCluster.Node a = starting.get(150, TimeUnit.SECONDS);
      api.putAction(a, ACTION, FaultApi.ECHO);
      // An invoker that never takes anything: the controllers accept, and the activations stay
      // queued.
      heartbeat(cluster, 7);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  api.call(a, "POST", "/api/v1/namespaces/_/actions/" + ACTION, "{}").statusCode()
                          == 202
                      && api.call(b, "POST", "/api/v1/namespaces/_/actions/" + ACTION, "{}")
                              .statusCode()
                          == 202);

      Ledger ledger = new Ledger();
      List<CompletableFuture<Void>> calls = new ArrayList<>();
      for (int i = 0; i < QUEUED; i++)
        calls.add(api.invoke(i % 2 == 0 ? a : b, ledger, ACTION, false));
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      assertThat(ledger.accepted).as("accepted, statuses %s", ledger.statuses).hasSize(QUEUED);

      FullyQualifiedName fqn = new FullyQualifiedName("guest", ACTION);
      Map<String, Long> endedAt = new HashMap<>();
      long killedAt;
      List<String> held = new ArrayList<>();
      try (KafkaShareConsumer<String, byte[]> holder = holder(cluster, fqn)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  for (ConsumerRecord<String, byte[]> r : holder.poll(Duration.ofMillis(200)))
                    held.add(r.key());
                  return held.stream().filter(ledger.accepted::containsKey).count() >= 1
                      && held.size() >= HELD;
                });
        HttpResponse<String> delete =
            api.call(a, "DELETE", "/api/v1/namespaces/_/actions/" + ACTION, null);
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(200);
        await()
            .alias("controller A's drain ends every activation not held")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    recorded(api, b, ledger, endedAt)
                        == QUEUED - held.stream().filter(ledger.accepted::containsKey).count());
        a.kill();
        killedAt = System.currentTimeMillis();
      } // the holder leaves: what it held is available again, and only an adopted drain ends it

      long heldAccepted = held.stream().filter(ledger.accepted::containsKey).count();
      Ledger.Outcome outcome = api.check(b, ledger, List.of(ACTION), killedAt, true);
      String log = Files.readString(dir.resolve("controller1.log"), StandardCharsets.UTF_8);
      System.out.printf(
          "DrainTakeoverIT: %d queued, %d held by a stalled member; controller A killed mid-drain; "
              + "%s; the held ones ended by controller B %d ms after the kill%n",
          QUEUED, held.size(), outcome, outcome.lastEndAfterFaultMs());
      assertThat(outcome.accepted()).isEqualTo(QUEUED);
      outcome.assertNoneLostWrongOrDuplicated();
      assertThat(outcome.errors()).as("ended as 'the action was deleted'").isEqualTo(QUEUED);
      assertThat(log)
          .as("controller B adopted the drain")
          .contains("Adopting the drain of the queue of deleted action guest/" + ACTION);
    }
  }

  private static ProcessCluster.Node start(
      ProcessCluster cluster, int id, Map<String, String> settings) {
    try {
      return cluster.controller(id, settings);
    } catch (Exception e) {
      throw new IllegalStateException("controller " + id + " did not start", e);
    }
  }

  /** How many accepted activations have a record readable through {@code reader}. */
  private static int recorded(
      FaultApi api, ProcessCluster.Node reader, Ledger ledger, Map<String, Long> endedAt)
      throws Exception {
    for (String id : ledger.accepted.keySet()) {
      if (endedAt.containsKey(id)) continue;
      HttpResponse<String> r =
          api.call(reader, "GET", "/api/v1/namespaces/_/activations/" + id, null);
      if (r.statusCode() == 200) {
        JsonNode record = FaultApi.parse(r.body());
        endedAt.put(id, record.path("end").asLong());
      }
    }
    return endedAt.size();
  }

  /** One heartbeat of invoker {@code id}, with room and no container. */
  private static void heartbeat(ProcessCluster cluster, int id) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", cluster.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      InvokerHeartbeat beat =
          new InvokerHeartbeat(id, 4096, 4096, 0, Map.of(), 0, System.currentTimeMillis());
      producer
          .send(new ProducerRecord<>(Topics.HEALTH, String.valueOf(id), Json.encode(beat)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** A member of the action's share group that holds what it takes and acknowledges nothing. */
  private static KafkaShareConsumer<String, byte[]> holder(
      ProcessCluster cluster, FullyQualifiedName fqn) {
    KafkaShareConsumer<String, byte[]> c =
        new KafkaShareConsumer<>(
            Map.of(
                "bootstrap.servers",
                cluster.bootstrapServers(),
                "group.id",
                Topics.actionGroup(fqn),
                "share.acknowledgement.mode",
                "explicit",
                "share.acquire.mode",
                "record_limit",
                "max.poll.records",
                HELD),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    c.subscribe(List.of(Topics.actionTopic(fqn)));
    return c;
  }
}
