package io.kwhisk.perf.latency;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.client.Wskprops;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The walking skeleton's latency report, measured against a running kwhisk (the standalone): cold
 * start of new actions (first invoke to result), warm sequential blocking invokes of a noop action,
 * and the same noop called directly on a container's {@code /run} for comparison (the platform's
 * overhead is the difference).
 *
 * <p>Usage: {@code PerfMain latency [--wskprops FILE] [--warm 1000] [--cold 10]}, or {@code
 * LatencyBenchmark <wskprops file> [warm invokes, default 1000] [cold starts, default 10]}.
 */
public final class LatencyBenchmark {
  private static final String NOOP = "function main(params) { return {}; }";
  private static final String NODE_IMAGE = "kwhisk/action-nodejs-v20:latest";

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: LatencyBenchmark <wskprops file> [warm invokes] [cold starts]");
      System.exit(2);
    }
    int warm = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int cold = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    run(Wskprops.read(Path.of(args[0])).client(), warm, cold);
  }

  /** Runs the three measurements against {@code client}'s endpoint and prints them on stdout. */
  public static void run(WhiskClient client, int warm, int cold)
      throws IOException, InterruptedException {
    List<Long> coldMillis = coldStarts(client, cold);
    Histogram platform = warmInvokes(client, warm);
    Histogram direct = directRuns(warm);

    if (!coldMillis.isEmpty()) {
      System.out.printf(
          "%ncold start, first invoke of a new action to its result (n=%d): median %d ms, min %d, "
              + "max %d%n",
          coldMillis.size(),
          median(coldMillis),
          Collections.min(coldMillis),
          Collections.max(coldMillis));
    }
    print("warm blocking invoke through kwhisk", platform);
    print("direct POST /run on the container", direct);
    System.out.printf(
        "platform overhead: p50 %.2f ms, p99 %.2f ms%n",
        ms(platform.getValueAtPercentile(50)) - ms(direct.getValueAtPercentile(50)),
        ms(platform.getValueAtPercentile(99)) - ms(direct.getValueAtPercentile(99)));
  }

  private static List<Long> coldStarts(WhiskClient client, int n)
      throws IOException, InterruptedException {
    List<Long> millis = new ArrayList<>();
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < n; i++) {
      String name = "perf-cold-" + run + "-" + i;
      client.putNodeAction(name, NOOP, 1);
      long t0 = System.nanoTime();
      HttpResponse<String> r = client.invokeBlocking(name, Json.object());
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      requireOk(r);
      millis.add(took);
      System.out.printf(
          "cold %d: %d ms (initTime %s ms, waitTime %s ms)%n",
          i, took, annotation(r.body(), "initTime"), annotation(r.body(), "waitTime"));
      client.deleteAction(name);
    }
    return millis;
  }

  private static Histogram warmInvokes(WhiskClient client, int n)
      throws IOException, InterruptedException {
    client.putNodeAction("perf-noop", NOOP, 1);
    for (int i = 0; i < Math.min(50, n); i++) {
      requireOk(client.invokeBlocking("perf-noop", Json.object()));
    }
    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = client.invokeBlocking("perf-noop", Json.object());
      h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
      requireOk(r);
    }
    return h;
  }

  private static Histogram directRuns(int n) throws IOException, InterruptedException {
    String id = docker("run", "-d", "--rm", NODE_IMAGE).trim();
    try {
      String ip =
          docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", id)
              .trim();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI init = URI.create("http://" + ip + ":8080/init");
      URI run = URI.create("http://" + ip + ":8080/run");
      String initBody =
          "{\"value\":{\"name\":\"noop\",\"main\":\"main\",\"code\":"
              + Json.encodeString(NOOP)
              + ",\"binary\":false,\"env\":{}}}";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          http.send(post(init, initBody), HttpResponse.BodyHandlers.ofString());
          break;
        } catch (IOException notYet) {
          if (System.nanoTime() > deadline) throw notYet;
          Thread.sleep(20);
        }
      }
      String runBody =
          "{\"value\":{},\"namespace\":\"guest\",\"action_name\":\"/guest/noop\","
              + "\"activation_id\":\"0\",\"deadline\":\""
              + (System.currentTimeMillis() + 60_000)
              + "\"}";
      for (int i = 0; i < Math.min(50, n); i++) {
        http.send(post(run, runBody), HttpResponse.BodyHandlers.ofString());
      }
      Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r =
            http.send(post(run, runBody), HttpResponse.BodyHandlers.ofString());
        h.recordValue(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
        if (r.statusCode() != 200)
          throw new IOException("direct /run answered " + r.statusCode() + ": " + r.body());
      }
      return h;
    } finally {
      docker("rm", "-f", id);
    }
  }

  private static HttpRequest post(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
    return out;
  }

  private static void requireOk(HttpResponse<String> r) throws IOException {
    if (r.statusCode() != 200)
      throw new IOException("invoke answered " + r.statusCode() + ": " + r.body());
  }

  private static String annotation(String body, String key) throws IOException {
    for (JsonNode kv : Json.MAPPER.readTree(body).path("annotations")) {
      if (key.equals(kv.path("key").asText())) return kv.path("value").asText();
    }
    return "-";
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static void print(String what, Histogram h) {
    System.out.printf(
        "%s (n=%d): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        what,
        h.getTotalCount(),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getMaxValue()));
  }

  private LatencyBenchmark() {}
}
