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
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * What the fault tests do through the REST API, as a user would: create echo actions, invoke them
 * with a unique tag each (recording every accepted id in a {@link Ledger}), and check afterwards
 * that each accepted activation has exactly one record whose result is its tag. Also the Docker
 * look-ups of an invoker's action containers.
 */
final class FaultApi {
  /** An echo action that answers its tag after 20-80 ms, so that runs overlap under load. */
  static final String ECHO =
      "function main(p) { return new Promise(r => setTimeout(() => r({tag: p.tag}), 20 + Math.floor(Math.random() * 60))); }";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String authHeader;

  FaultApi(String credentials) {
    this.authHeader =
        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Creates (or replaces) the action {@code name} with the nodejs {@code code}, through {@code
   * controller}.
   */
  void putAction(ProcessCluster.Node controller, String name, String code)
      throws IOException, InterruptedException {
    HttpResponse<String> put =
        call(
            controller,
            "PUT",
            "/api/v1/namespaces/_/actions/" + name,
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.MAPPER.writeValueAsString(code)
                + "}}");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  /**
   * Creates the {@link #ECHO} actions {@code echo-0} to {@code echo-<n-1>} through {@code
   * controller} and waits until each runs; returns their names.
   */
  List<String> echoActions(ProcessCluster.Node controller, int n)
      throws IOException, InterruptedException {
    List<String> actions = new ArrayList<>();
    for (int a = 0; a < n; a++) actions.add("echo-" + a);
    for (String action : actions) putAction(controller, action, ECHO);
    for (String action : actions) warm(controller, action);
    return actions;
  }

  /** Waits until a blocking invoke of {@code name} succeeds: a container of it runs somewhere. */
  void warm(ProcessCluster.Node controller, String name) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                call(
                            controller,
                            "POST",
                            "/api/v1/namespaces/_/actions/" + name + "?blocking=true",
                            "{\"tag\":\"warm\"}")
                        .statusCode()
                    == 200);
  }

  /**
   * Invokes {@code name} through {@code controller} with a fresh tag: a 200 or 202 goes to the
   * ledger, and so does a blocking call answered with its error record (500 for a whisk error, 502
   * for an action's error, as in OpenWhisk); an answered record whose result is not the tag is
   * marked so (it counts as wrong or, where errors are allowed, as an error). Any other status is
   * refused; a call without answer (the controller died) failed, its tag kept in {@link
   * Ledger#unanswered}.
   */
  CompletableFuture<Void> invoke(
      ProcessCluster.Node controller, Ledger ledger, String name, boolean blocking) {
    String tag = UUID.randomUUID().toString();
    long at = System.currentTimeMillis();
    HttpRequest request =
        request(
            controller,
            "POST",
            "/api/v1/namespaces/_/actions/" + name + (blocking ? "?blocking=true" : ""),
            "{\"tag\":\"" + tag + "\"}");
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (r, e) -> {
              if (e != null) {
                ledger.failedCalls.incrementAndGet();
                ledger.unanswered.add(tag);
                ledger.failed(e, System.currentTimeMillis() - at);
                return null;
              }
              ledger.status(r.statusCode());
              ledger.answered(r.statusCode(), System.currentTimeMillis() - at);
              boolean record =
                  (r.statusCode() == 500 || r.statusCode() == 502)
                      && r.body().contains("\"activationId\"");
              if (r.statusCode() != 200 && r.statusCode() != 202 && !record) {
                ledger.refused.incrementAndGet();
                ledger.firstRefusals.putIfAbsent(r.statusCode(), r.body());
                ledger.refused(
                    r.statusCode(),
                    isError(r.body()) ? parse(r.body()).path("error").asText() : r.body(),
                    System.currentTimeMillis() - at);
                if (!isError(r.body())) ledger.refusalsWithoutError.incrementAndGet();
                return null;
              }
              JsonNode body = parse(r.body());
              String id = body.path("activationId").asText();
              ledger.accepted(id, tag, at);
              if (r.statusCode() != 202 && !tag.equals(body.at("/response/result/tag").asText())) {
                ledger.accepted.put(id, "answered " + body.at("/response/result"));
              }
              return null;
            });
  }

  /**
   * Waits until every accepted activation has a record readable through {@code reader} (or 180 s
   * passed), then counts: a record whose result is not its tag is wrong unless {@code
   * errorsAllowed} and it is an error record (counted as errors); an id listed more than once for
   * any of {@code actions} is duplicated; a recorded id that no action's list shows is unlisted.
   */
  Ledger.Outcome check(
      ProcessCluster.Node reader,
      Ledger ledger,
      List<String> actions,
      long faultAt,
      boolean errorsAllowed)
      throws Exception {
    Map<String, JsonNode> records = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (records.size() < ledger.accepted.size() && System.nanoTime() < deadline) {
      for (String id : ledger.accepted.keySet()) {
        if (records.containsKey(id)) continue;
        HttpResponse<String> r =
            call(reader, "GET", "/api/v1/namespaces/_/activations/" + id, null);
        if (r.statusCode() == 200) records.put(id, parse(r.body()));
      }
      if (records.size() < ledger.accepted.size())
        Thread.sleep(500); // polls the API; decides no outcome
    }
    int wrong = 0;
    int errors = 0;
    long lastEndAfterFault = 0;
    for (Map.Entry<String, JsonNode> e : records.entrySet()) {
      String expected = ledger.accepted.get(e.getKey());
      JsonNode response = e.getValue().path("response");
      if (!expected.equals(response.at("/result/tag").asText())) {
        if (errorsAllowed
            && !"success".equals(response.path("status").asText())
            && response.at("/result/error").isTextual()) {
          errors++;
        } else {
          wrong++;
        }
      }
      if (ledger.acceptedAt.get(e.getKey()) < faultAt) {
        lastEndAfterFault =
            Math.max(lastEndAfterFault, e.getValue().path("end").asLong() - faultAt);
      }
    }
    int duplicated = 0;
    Set<String> listed = new HashSet<>();
    for (String action : actions) {
      List<String> ids =
          list(reader, action, false).stream().map(r -> r.path("activationId").asText()).toList();
      duplicated += StableListing.duplicates(ids);
      listed.addAll(ids);
    }
    int unlisted = 0;
    for (String id : records.keySet()) if (!listed.contains(id)) unlisted++;
    return new Ledger.Outcome(
        ledger.accepted.size(),
        records.size(),
        ledger.accepted.size() - records.size(),
        wrong,
        duplicated,
        unlisted,
        errors,
        lastEndAfterFault);
  }

  /** Something a fault test does at a point of its load: kill a process, stop a broker. */
  interface Step {
    void run() throws Exception;
  }

  /**
   * Open-loop load: {@code call(i)} for {@code i} in {@code [0, tps * seconds)}, paced at {@code
   * tps} whatever the answers take; before call {@code i}, the step registered at {@code i} in
   * {@code steps} runs. Returns when every call was answered (or failed), at most 180 s after the
   * last.
   */
  static void openLoop(
      int tps, int seconds, IntFunction<CompletableFuture<Void>> call, Map<Integer, Step> steps)
      throws Exception {
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / tps;
    long began = System.nanoTime();
    for (int i = 0; i < tps * seconds; i++) {
      long wait = began + i * periodNanos - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // paces the load; decides no outcome
      Step step = steps.get(i);
      if (step != null) step.run();
      calls.add(call.apply(i));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
  }

  /**
   * Every activation of {@code action} listed by {@code reader}, with results when {@code docs}:
   * one {@link StableListing} reading (records that arrive meanwhile make it read again), so an id
   * it shows twice is listed twice by the controller.
   */
  List<JsonNode> list(ProcessCluster.Node reader, String action, boolean docs) {
    String path = "/api/v1/namespaces/_/activations?name=" + action;
    return StableListing.read(
        new StableListing.Source<>() {
          @Override
          public List<JsonNode> page(int skip, int limit) throws Exception {
            List<JsonNode> page = new ArrayList<>();
            parse(
                    call(
                            reader,
                            "GET",
                            path + "&limit=" + limit + "&skip=" + skip + (docs ? "&docs=true" : ""),
                            null)
                        .body())
                .forEach(page::add);
            return page;
          }

          @Override
          public long count() throws Exception {
            return parse(call(reader, "GET", path + "&count=true", null).body())
                .path("activations")
                .asLong();
          }
        },
        200,
        Duration.ofSeconds(180));
  }

  HttpResponse<String> call(ProcessCluster.Node controller, String method, String path, String body)
      throws IOException, InterruptedException {
    return http.send(request(controller, method, path, body), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code GET path} on {@code controller} answered from its own activation store only (the header
   * a partitioned store's peer sends), as a peer would ask it.
   */
  HttpResponse<String> getLocal(ProcessCluster.Node controller, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(request(controller, "GET", path, null), (k, v) -> true)
            .header("X-Kwhisk-Store-Local", "true")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(
      ProcessCluster.Node controller, String method, String path, String body) {
    return HttpRequest.newBuilder(URI.create(controller.url(path)))
        .timeout(Duration.ofSeconds(90))
        .header("Authorization", authHeader)
        .header("Content-Type", "application/json")
        .method(
            method,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** True if {@code body} is a JSON error: {@code {"error": "...", "code": "..."}}. */
  static boolean isError(String body) {
    try {
      JsonNode json = Json.MAPPER.readTree(body);
      return json.path("error").isTextual() && !json.path("code").asText().isBlank();
    } catch (IOException e) {
      return false;
    }
  }

  static JsonNode parse(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }

  /** The ids of the containers (running or not) labelled with {@code invokerId}. */
  static List<String> containersOf(int invokerId) throws IOException, InterruptedException {
    return docker("ps", "-aq", "--filter", "label=io.kwhisk.invoker=" + invokerId);
  }

  /** The ids of the running containers labelled with {@code invokerId}. */
  static List<String> runningContainersOf(int invokerId) throws IOException, InterruptedException {
    return docker("ps", "-q", "--filter", "label=io.kwhisk.invoker=" + invokerId);
  }

  static void removeContainers(int invokerId) throws IOException, InterruptedException {
    List<String> ids = containersOf(invokerId);
    if (ids.isEmpty()) return;
    List<String> command = new ArrayList<>(List.of("rm", "-f"));
    command.addAll(ids);
    docker(command.toArray(String[]::new));
  }

  static List<String> docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
  }
}
