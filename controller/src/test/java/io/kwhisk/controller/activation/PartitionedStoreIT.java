package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.Controller;
import io.kwhisk.controller.Harness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two controllers with the partitioned activation store on one broker: each keeps only its own
 * completions, reads of the other's are forwarded, lists merged, and a controller that stops has
 * its topic adopted by the other, which then answers for it.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PartitionedStoreIT {
  private static final Logger log = LoggerFactory.getLogger(PartitionedStoreIT.class);
  static final String ACTIVATIONS = "/api/v1/namespaces/_/activations";

  @Test
  void recordsOfOneControllerAreReadFromTheOtherAndSurviveItsStop() throws Exception {
    try (Harness h = Harness.start(Map.of(ActivationStoreSettings.KIND, "partitioned"));
        Controller b = h.startAnother(1)) {
      Controller a = h.controller();
      long now = System.currentTimeMillis();
      ActivationRecord ofA = complete(h, 0, "from-a", now - 2_000);
      ActivationRecord ofB = complete(h, 1, "from-b", now - 1_000);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> a.activations().get("guest", ofA.activationId()).isPresent());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> b.activations().get("guest", ofB.activationId()).isPresent());
      assertThat(b.activations().get("guest", ofA.activationId()))
          .as("stored once: only by the controller that accepted it")
          .isEmpty();

      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> get(h, b, ACTIVATIONS + "/" + ofA.activationId()).statusCode() == 200);
      JsonNode record = Harness.json(get(h, b, ACTIVATIONS + "/" + ofA.activationId()));
      assertThat(record.path("name").asText()).isEqualTo("from-a");
      assertThat(
              Harness.json(get(h, b, ACTIVATIONS + "/" + ofA.activationId() + "/result"))
                  .path("result")
                  .path("from")
                  .asText())
          .isEqualTo("from-a");
      assertThat(
              Harness.json(get(h, b, ACTIVATIONS + "/" + ofA.activationId() + "/logs"))
                  .path("logs")
                  .get(0)
                  .asText())
          .isEqualTo("log of from-a");
      assertThat(get(h, a, ACTIVATIONS + "/" + ofB.activationId()).statusCode()).isEqualTo(200);
      // 404 once no store is between two assignments (a rebalance answers 503 meanwhile).
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> get(h, b, ACTIVATIONS + "/" + "0".repeat(32)).statusCode() == 404);
      assertThat(ids(get(h, b, ACTIVATIONS)))
          .containsExactly(ofB.activationId(), ofA.activationId());
      assertThat(ids(get(h, a, ACTIVATIONS + "?skip=1"))).containsExactly(ofA.activationId());
      assertThat(ids(get(h, b, ACTIVATIONS + "?name=from-a"))).containsExactly(ofA.activationId());
      assertThat(ids(get(h, b, ACTIVATIONS + "?since=" + (now - 1_500))))
          .containsExactly(ofB.activationId());
      assertThat(Harness.json(get(h, b, ACTIVATIONS + "?count=true")).path("activations").asLong())
          .isEqualTo(2);
      HttpResponse<String> tooFar = get(h, b, ACTIVATIONS + "?skip=10001");
      assertThat(tooFar.statusCode()).isEqualTo(400);
      assertThat(Harness.json(tooFar).path("error").asText()).contains("10000");
      latencies(h, b, ofB.activationId(), ofA.activationId());

      ExecutorService stopper = Executors.newSingleThreadExecutor();
      long stopped = System.nanoTime();
      Future<?> stopping = stopper.submit(() -> h.stopController());
      List<Integer> seen = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                int status = get(h, b, ACTIVATIONS + "/" + ofA.activationId()).statusCode();
                seen.add(status);
                // A answers too until its API unbinds: done once B holds A's record itself.
                return status == 200
                    && b.activations().get("guest", ofA.activationId()).isPresent();
              });
      log.info(
          "controller 1 holds and answers controller 0's record {} ms after controller 0 was told"
              + " to stop; statuses meanwhile: {}",
          (System.nanoTime() - stopped) / 1_000_000,
          seen);
      assertThat(seen).as("never a false 404 while the topic changes hands").doesNotContain(404);
      stopping.get(90, TimeUnit.SECONDS);
      stopper.shutdown();
      assertThat(get(h, b, ACTIVATIONS + "/" + ofA.activationId() + "/logs").statusCode())
          .isEqualTo(200);
      assertThat(ids(get(h, b, ACTIVATIONS)))
          .containsExactly(ofB.activationId(), ofA.activationId());
    }
  }

  @Test
  void aTopicAdoptedAndGivenBackIsCountedAndListedOnce() throws Exception {
    try (Harness h = Harness.start(Map.of(ActivationStoreSettings.KIND, "partitioned"));
        Controller b = h.startAnother(1)) {
      long now = System.currentTimeMillis();
      ActivationRecord ofA = complete(h, 0, "from-a", now - 2_000);
      ActivationRecord ofB = complete(h, 1, "from-b", now - 1_000);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> h.controller().activations().get("guest", ofA.activationId()).isPresent());
      h.stopController();
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("controller 1 adopts controller 0's topic and copies it")
          .until(() -> b.activations().get("guest", ofA.activationId()).isPresent());
      h.startController();
      Controller a = h.controller();
      await()
          .atMost(Duration.ofSeconds(30))
          .alias("controller 0 keeps its topic again, nobody copies")
          .until(
              () ->
                  b.storeMembership().orElseThrow().members().size() == 2
                      && a.storeMembership().orElseThrow().members().size() == 2
                      && !b.storeMembership().orElseThrow().copying()
                      && !a.storeMembership().orElseThrow().copying()
                      && get(h, b, ACTIVATIONS + "?count=true").statusCode() == 200);
      assertThat(b.activations().get("guest", ofA.activationId()))
          .as("the adopter keeps its copy of the topic it gave back, until retention")
          .isPresent();
      for (Controller c : List.of(a, b)) {
        assertThat(
                Harness.json(get(h, c, ACTIVATIONS + "?count=true")).path("activations").asLong())
            .as("count on controller %d", c.config().id())
            .isEqualTo(2);
        assertThat(
                Harness.json(get(h, c, ACTIVATIONS + "?count=true&name=from-a"))
                    .path("activations")
                    .asLong())
            .isEqualTo(1);
        assertThat(ids(get(h, c, ACTIVATIONS)))
            .containsExactly(ofB.activationId(), ofA.activationId());
        assertThat(ids(get(h, c, ACTIVATIONS + "?skip=1"))).containsExactly(ofA.activationId());
      }
    }
  }

  /** Logs the p50 and p99 of GETs answered locally and forwarded (a measurement, no threshold). */
  private static void latencies(Harness h, Controller b, String local, String forwarded)
      throws Exception {
    for (String id : List.of(local, forwarded)) {
      int n = 300;
      long[] micros = new long[n];
      for (int i = 0; i < n + 50; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = get(h, b, ACTIVATIONS + "/" + id);
        if (i >= 50) micros[i - 50] = (System.nanoTime() - t0) / 1_000;
        assertThat(r.statusCode()).isEqualTo(200);
      }
      Arrays.sort(micros);
      log.info(
          "GET {}: p50 {} us, p99 {} us over {} calls",
          id.equals(local) ? "local" : "forwarded",
          micros[n / 2],
          micros[n * 99 / 100],
          n);
    }
  }

  static ActivationRecord complete(Harness h, int controller, String name, long start)
      throws Exception {
    String id = ActivationIds.next();
    ActivationRecord record =
        new ActivationRecord(
            "guest",
            name,
            "0.0.1",
            "guest",
            id,
            start,
            start + 5,
            5,
            0,
            ActivationResponse.success(Json.object().put("from", name)),
            List.of("log of " + name),
            List.of(),
            false);
    h.publish(Topics.completedTopic(controller), id, new CompletionMessage(id, 7, "c", record));
    return record;
  }

  static HttpResponse<String> get(Harness h, Controller c, String path) throws Exception {
    return h.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", Harness.basic(h.guest()))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<String> ids(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    Harness.json(response).forEach(n -> out.add(n.path("activationId").asText()));
    return out;
  }
}
