package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of an invoker JVM under load, with an accepted-versus-recorded ledger: a controller and two invokers run
 * as separate processes; open-loop load (half blocking) goes to a few echo actions, and one invoker is killed a third
 * of the way in. Every activation the API accepted (200 or 202) must end with exactly one record, readable through
 * the API, whose result echoes its input: the killed invoker's records are redelivered to containers on the other
 * (their locks expire), its containers are orphaned until an invoker with its id starts again and removes them.
 *
 * <p>The CI case is short; the long one is {@code -Dkwhisk.fault.tps=200 -Dkwhisk.fault.seconds=60} (see
 * CONTRIBUTING.md). It prints the ledger and how long after the kill the last activation accepted before it
 * completed.
 */
class InvokerKillIT {
  private static final int TPS = Integer.getInteger("kwhisk.fault.tps", 30);
  private static final int SECONDS = Integer.getInteger("kwhisk.fault.seconds", 12);
  private static final int ACTIONS = Integer.getInteger("kwhisk.fault.actions", 2);
  private static final String ECHO =
      "function main(p) { return new Promise(r => setTimeout(() => r({tag: p.tag}), 20 + Math.floor(Math.random() * 60))); }";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String authHeader;
  private ProcessCluster.Node controller;

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void killingAnInvokerUnderLoadLosesNoAcceptedActivationAndEachEndsWithOneRecordOfItsInput() throws Exception {
    int base = 300 + ThreadLocalRandom.current().nextInt(600);
    try (ProcessCluster cluster = new ProcessCluster(dir)) {
      cluster.registerGuest();
      authHeader = "Basic " + Base64.getEncoder().encodeToString(cluster.credentials.getBytes(StandardCharsets.UTF_8));
      controller = cluster.controller(0, Map.of(
          "kwhisk.controller.throttle.namespace-per-minute", "0",
          "kwhisk.controller.throttle.namespace-concurrency", "100000",
          // The ledger needs the load accepted, not shed: no backlog limit per action.
          "kwhisk.controller.throttle.min-backlog", "100000"));
      Map<String, String> invokerSettings = Map.of(
          "kwhisk.invoker.user-memory-mb", "1024",
          "kwhisk.invoker.keep-alive", "60s",
          "kwhisk.invoker.pause-grace", "0",
          "kwhisk.invoker.heartbeat-interval", "500ms");
      ProcessCluster.Node victim = cluster.invoker(base, invokerSettings);
      cluster.invoker(base + 1, invokerSettings);
      try {
        for (int a = 0; a < ACTIONS; a++) {
          HttpResponse<String> put = call("PUT", "/api/v1/namespaces/_/actions/echo-" + a, "{\"exec\":{\"kind\":"
              + "\"nodejs:20\",\"code\":" + Json.MAPPER.writeValueAsString(ECHO) + "}}");
          assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        }
        for (int a = 0; a < ACTIONS; a++) { // warm: a container of each action on some invoker
          int action = a;
          await().atMost(Duration.ofSeconds(120)).until(() ->
              call("POST", "/api/v1/namespaces/_/actions/echo-" + action + "?blocking=true", "{\"tag\":\"warm\"}")
                  .statusCode() == 200);
        }

        Ledger ledger = new Ledger();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        long periodNanos = TimeUnit.SECONDS.toNanos(1) / TPS;
        long began = System.nanoTime();
        long killAt = 0;
        int total = TPS * SECONDS;
        for (int i = 0; i < total; i++) {
          long due = began + i * periodNanos;
          long wait = due - System.nanoTime();
          if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // paces the open-loop load; decides no outcome
          if (killAt == 0 && i >= total / 3) {
            victim.kill();
            killAt = System.currentTimeMillis();
          }
          calls.add(invoke(ledger, i % ACTIONS, i % 2 == 0));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);

        Ledger.Outcome outcome = check(ledger, killAt);
        System.out.printf("InvokerKillIT: %d TPS for %d s over %d actions, invoker %d killed at %d s: %s; "
                + "HTTP statuses %s; refused %d, failed calls %d%n", TPS, SECONDS, ACTIONS, base, SECONDS / 3,
            outcome, ledger.statuses, ledger.refused.get(), ledger.failedCalls.get());
        assertThat(outcome.accepted()).isPositive();
        assertThat(outcome.lost()).as("lost").isZero();
        assertThat(outcome.wrong()).as("wrong").isZero();
        assertThat(outcome.duplicated()).as("duplicated").isZero();

        // The killed invoker's containers are orphans until an invoker with its id starts and removes them.
        cluster.invoker(base, invokerSettings);
        await().atMost(Duration.ofSeconds(60)).until(() -> containersOf(base).isEmpty());
      } finally {
        removeContainers(base);
        removeContainers(base + 1);
      }
    }
  }

  private CompletableFuture<Void> invoke(Ledger ledger, int action, boolean blocking) {
    String tag = UUID.randomUUID().toString();
    long at = System.currentTimeMillis();
    HttpRequest request = request("POST", "/api/v1/namespaces/_/actions/echo-" + action
        + (blocking ? "?blocking=true" : ""), "{\"tag\":\"" + tag + "\"}");
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
      if (e != null) {
        ledger.failedCalls.incrementAndGet();
        return null;
      }
      ledger.status(r.statusCode());
      if (r.statusCode() != 200 && r.statusCode() != 202) {
        ledger.refused.incrementAndGet();
        return null;
      }
      JsonNode body = parse(r.body());
      String id = body.path("activationId").asText();
      ledger.accepted(id, tag, at);
      if (r.statusCode() == 200 && !tag.equals(body.at("/response/result/tag").asText())) {
        ledger.accepted.put(id, "answered " + body.at("/response/result"));
      }
      return null;
    });
  }

  /** Waits until every accepted activation has a record (or 180 s passed), then counts. */
  private Ledger.Outcome check(Ledger ledger, long killAt) throws Exception {
    Map<String, JsonNode> records = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (records.size() < ledger.accepted.size() && System.nanoTime() < deadline) {
      for (String id : ledger.accepted.keySet()) {
        if (records.containsKey(id)) continue;
        HttpResponse<String> r = call("GET", "/api/v1/namespaces/_/activations/" + id, null);
        if (r.statusCode() == 200) records.put(id, parse(r.body()));
      }
      if (records.size() < ledger.accepted.size()) Thread.sleep(500);
    }
    int wrong = 0;
    long lastEndAfterKill = 0;
    for (Map.Entry<String, JsonNode> e : records.entrySet()) {
      String expected = ledger.accepted.get(e.getKey());
      if (!expected.equals(e.getValue().at("/response/result/tag").asText())) wrong++;
      if (ledger.acceptedAt.get(e.getKey()) < killAt) {
        lastEndAfterKill = Math.max(lastEndAfterKill, e.getValue().path("end").asLong() - killAt);
      }
    }
    int duplicated = 0;
    for (int a = 0; a < ACTIONS; a++) {
      Set<String> seen = new HashSet<>();
      for (int skip = 0; ; skip += 200) {
        JsonNode page = parse(call("GET", "/api/v1/namespaces/_/activations?name=echo-" + a + "&limit=200&skip="
            + skip, null).body());
        if (page.isEmpty()) break;
        for (JsonNode r : page) if (!seen.add(r.path("activationId").asText())) duplicated++;
      }
    }
    return new Ledger.Outcome(ledger.accepted.size(), records.size(), ledger.accepted.size() - records.size(),
        wrong, duplicated, lastEndAfterKill);
  }

  private HttpRequest request(String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(controller.url(path))).timeout(Duration.ofSeconds(90))
        .header("Authorization", authHeader).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
    return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  private static List<String> containersOf(int invokerId) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=io.kwhisk.invoker=" + invokerId)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }

  private static void removeContainers(int invokerId) throws IOException, InterruptedException {
    List<String> ids = containersOf(invokerId);
    if (ids.isEmpty()) return;
    List<String> command = new ArrayList<>(List.of("docker", "rm", "-f"));
    command.addAll(ids);
    new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
  }
}
