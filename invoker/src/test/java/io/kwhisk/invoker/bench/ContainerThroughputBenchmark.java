package io.kwhisk.invoker.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.ControllerDouble;
import io.kwhisk.invoker.Invoker;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.proxy.ActionContainer;
import io.kwhisk.invoker.proxy.CallOutcome;
import io.kwhisk.invoker.proxy.HttpActionContainer;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How many activations per second one warm noop container (nodejs:20, concurrency 1) drains through
 * the real invoker path: share fetch, {@code /run} over HTTP, completion (the record, logs
 * included) published, acknowledgement. For each {@code kwhisk.invoker.prefetch} it starts an
 * {@link Invoker} (id 77, user memory for one 256 MB container, one ContainerCreation, so exactly
 * one container serves the action) against the embedded broker of a {@link ControllerDouble}, warms
 * the container with sequential activations (their round trip is reported), publishes a backlog
 * straight to the action's topic and times the completions read from {@code completed0}. Then it
 * calls the same container's {@code /run} sequentially: through the invoker's {@link
 * ActionContainer} of each {@link HttpActionContainer.ClientKind} (on a call pool, as the invoker
 * calls), from a bare JDK HttpClient and over a plain socket. Settings run interleaved, {@code
 * rounds} times, after unreported drains that last until the JIT compiler has settled (on a 2-core
 * machine it is busy for minutes and would otherwise dominate the first rounds).
 *
 * <p>{@code client} lists the {@code kwhisk.invoker.runtime-client} values to compare ({@code
 * keep-alive}, {@code jdk}); each round runs every prefetch with every client, one after the other,
 * so both see the same machine.
 *
 * <p>Reported per run: the drain rate from first to last completion and over the middle 80% (steady
 * state), the mean {@code /run} time the invoker recorded, how long after its completion an
 * activation's record arrived, CPU per activation of this JVM (broker, invoker and the benchmark's
 * own client; by thread group, where "other" is GC, JIT and threads that ended during the drain),
 * the JVM's CPU while idle, the machine's CPU use and the threads started.
 *
 * <p>Run from the repository root (about 8 minutes with the defaults; needs Docker and the runtime
 * image). The class path comes from the reactor ({@code -am}): the {@code exec:exec} form used for
 * the controller's benchmark would take {@code common} and {@code broker} from the local
 * repository, which may be stale.
 *
 * <pre>
 * ./mvnw -B -o -q -pl invoker -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/invoker.cp \
 *     -Dmdep.includeScope=test
 * java -cp invoker/target/test-classes:invoker/target/classes:$(cat /tmp/invoker.cp) \
 *     io.kwhisk.invoker.bench.ContainerThroughputBenchmark [prefetch=1,4,10,25] [rounds=3] [backlog=20000] \
 *     [client=keep-alive] [max-drain-seconds=15] [warm=300] [bare=2000] [jit-warm-up-seconds=150]
 * </pre>
 *
 * <p>{@code prefetch=0} is the invoker's default: no fixed prefetch, the container sizes its polls
 * from its run durations (see {@code AdaptivePrefetch}).
 *
 * <p>A drain that takes longer than {@code max-drain-seconds} (prefetch 1 drains a few hundred a
 * second) is cut there and reports the rate so far. Each drain prints a {@code DRAIN start} line
 * with this JVM's pid, so a profiler can be attached while it runs (async-profiler: load it at
 * start-up with {@code -agentpath:} and start it with {@code asprof}, so its attach costs nothing
 * during the drain). The benchmark removes only containers labelled with invoker id 77.
 */
public final class ContainerThroughputBenchmark {
  /** An id no test uses: clean-up removes only this invoker's containers. */
  private static final int INVOKER_ID = 77;

  private static final String IMAGE = "kwhisk/action-nodejs-v20:latest";
  private static final String NOOP = "function main() { return {}; }";
  private static final Duration COLD_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STALL = Duration.ofSeconds(10);
  private static final int JIT_WARM_UP_BACKLOG = 4_000;
  private static final Duration IDLE_SAMPLE = Duration.ofSeconds(2);

  /** Calls in a row through one client before the bare comparison switches to the other. */
  private static final int BARE_BLOCK = 100;

  /** The command line, validated. */
  record Settings(
      List<Integer> prefetches,
      List<HttpActionContainer.ClientKind> clients,
      int rounds,
      int backlog,
      int maxDrainSeconds,
      int warm,
      int bare,
      int jitWarmUpSeconds) {
    Settings {
      if (prefetches.isEmpty())
        throw new IllegalArgumentException("prefetch: give at least one value");
      if (clients.isEmpty()) throw new IllegalArgumentException("client: give at least one value");
      for (int p : prefetches) {
        if (p < 0 || p > 500) {
          throw new IllegalArgumentException(
              "prefetch: values must be 0 (adaptive, the default) to 500, got " + p);
        }
      }
      positive("rounds", rounds);
      positive("backlog", backlog);
      positive("max-drain-seconds", maxDrainSeconds);
      positive("warm", warm);
      if (bare < 0)
        throw new IllegalArgumentException("bare: must be 0 (skip) or more, got " + bare);
      if (jitWarmUpSeconds < 0) {
        throw new IllegalArgumentException(
            "jit-warm-up-seconds: must be 0 (skip) or more, got " + jitWarmUpSeconds);
      }
    }

    private static void positive(String key, int v) {
      if (v < 1) throw new IllegalArgumentException(key + ": must be 1 or more, got " + v);
    }

    static Settings parse(String[] args) {
      Map<String, String> kv =
          new HashMap<>(
              Map.of(
                  "prefetch",
                  "1,4,10,25",
                  "rounds",
                  "3",
                  "backlog",
                  "20000",
                  "max-drain-seconds",
                  "15",
                  "warm",
                  "300",
                  "bare",
                  "2000",
                  "jit-warm-up-seconds",
                  "150",
                  "client",
                  "keep-alive"));
      for (String a : args) {
        int eq = a.indexOf('=');
        if (eq <= 0 || !kv.containsKey(a.substring(0, eq))) {
          throw new IllegalArgumentException(
              "unknown argument '"
                  + a
                  + "'; expected key=value with key one of "
                  + new TreeMap<>(kv).keySet());
        }
        kv.put(a.substring(0, eq), a.substring(eq + 1));
      }
      List<Integer> prefetches = new ArrayList<>();
      for (String p : kv.get("prefetch").split(",")) prefetches.add(number("prefetch", p));
      List<HttpActionContainer.ClientKind> clients = new ArrayList<>();
      for (String c : kv.get("client").split(",")) {
        try {
          clients.add(HttpActionContainer.ClientKind.parse("client", c));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              "client: values must be keep-alive or jdk, got '" + c + "'");
        }
      }
      return new Settings(
          prefetches,
          List.copyOf(clients),
          number("rounds", kv.get("rounds")),
          number("backlog", kv.get("backlog")),
          number("max-drain-seconds", kv.get("max-drain-seconds")),
          number("warm", kv.get("warm")),
          number("bare", kv.get("bare")),
          number("jit-warm-up-seconds", kv.get("jit-warm-up-seconds")));
    }

    private static int number(String key, String v) {
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": not a whole number: '" + v + "'");
      }
    }
  }

  /**
   * One run of one setting: the sequential warm-up's round trips, the drain, the bare {@code /run}
   * calls.
   */
  record Result(
      int prefetch,
      HttpActionContainer.ClientKind client,
      int round,
      double seqP50Ms,
      double seqP99Ms,
      Drain drain,
      Bare bare) {}

  /**
   * A drained backlog: rates from first to last completion and over the middle 80%, the mean {@code
   * /run} time the invoker recorded (millisecond clock), the median delay of an activation's record
   * (with logs) after its completion, CPU per activation (whole JVM and by thread group), the JVM's
   * CPU while idle just before, the machine's CPU use, and how many containers answered.
   */
  record Drain(
      int completed,
      double drainPerSec,
      double steadyPerSec,
      double runMs,
      double cpuUs,
      double idleCores,
      double machineBusy,
      int containers,
      Map<String, Double> cpuUsByThread) {}

  /**
   * Sequential {@code /run} calls straight to the container: through the invoker's ActionContainer
   * with the keep-alive connection and with the JDK client (both on a call pool), from a bare JDK
   * HttpClient, over one plain socket. Calls per second and p50 in ms of each.
   */
  record Bare(double[] keepAlive, double[] jdk, double[] client, double[] socket) {
    static final double[] NONE = {Double.NaN, Double.NaN};
    static final Bare SKIPPED = new Bare(NONE, NONE, NONE, NONE);
  }

  private final Settings settings;
  private final ControllerDouble controller;
  private final KafkaProducer<String, byte[]> producer;
  private final Completions completions;

  private ContainerThroughputBenchmark(Settings settings, ControllerDouble controller) {
    this.settings = settings;
    this.controller = controller;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers",
                controller.bootstrapServers(),
                "acks",
                "all",
                "linger.ms",
                0,
                "client.id",
                "bench-producer"),
            new StringSerializer(),
            new ByteArraySerializer());
    this.completions = new Completions(controller.bootstrapServers());
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ContainerThroughputBenchmark: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (ControllerDouble.docker("images", "-q", IMAGE).isEmpty()) {
      System.err.println(
          "ContainerThroughputBenchmark: runtime image "
              + IMAGE
              + " is missing"
              + " (bash scripts/build-runtimes.sh nodejs)");
      System.exit(2);
    }
    Thread cleanup =
        new Thread(
            () -> {
              try {
                ControllerDouble.removeContainersOfInvoker(INVOKER_ID);
              } catch (Exception e) {
                System.err.println(
                    "removing containers of invoker " + INVOKER_ID + " failed: " + e);
              }
            });
    Runtime.getRuntime().addShutdownHook(cleanup);
    ControllerDouble controller = ControllerDouble.startWithoutFollowing();
    List<Result> results = new ArrayList<>();
    try {
      ContainerThroughputBenchmark bench = new ContainerThroughputBenchmark(settings, controller);
      try {
        if (settings.jitWarmUpSeconds() > 0) {
          int prefetch = settings.prefetches().stream().max(Integer::compare).orElseThrow();
          for (HttpActionContainer.ClientKind client : settings.clients())
            bench.warmUpJit(prefetch, client);
        }
        for (int round = 1; round <= settings.rounds(); round++) {
          for (int prefetch : settings.prefetches()) {
            for (HttpActionContainer.ClientKind client : settings.clients()) {
              Result r =
                  bench.measure(prefetch, client, round, settings.backlog(), settings.bare());
              results.add(r);
              System.out.println("RESULT " + format(r));
            }
          }
        }
      } finally {
        bench.completions.close();
        bench.producer.close();
      }
    } finally {
      ControllerDouble.shutDown(null, controller, INVOKER_ID);
    }
    printSummary(settings, results);
  }

  /**
   * A fresh JVM compiles broker, clients and invoker for minutes (on this machine the JIT took most
   * of a core through the first two minutes of drains): drains until the compiler is busy less than
   * a tenth of the time, unreported.
   */
  private void warmUpJit(int prefetch, HttpActionContainer.ClientKind client) throws Exception {
    long until =
        System.nanoTime()
            + TimeUnit.SECONDS.toNanos(settings.jitWarmUpSeconds()) / settings.clients().size();
    Session s = open(prefetch, client);
    try {
      for (int pass = 1; System.nanoTime() < until; pass++) {
        long compileMs = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        long began = System.nanoTime();
        Drain d =
            drain(s.action(), s.tag() + "j" + pass + "-", prefetch, JIT_WARM_UP_BACKLOG, true);
        double compiling =
            (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compileMs)
                / (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + 1.0);
        System.out.printf(
            "JIT warm-up pass %d (not reported): %.0f activations/s, JIT compiling %.0f%% of the time%n",
            pass, d.steadyPerSec(), 100 * compiling);
        if (compiling < 0.1) break;
        if (d.completed()
            < JIT_WARM_UP_BACKLOG) { // the rest of this backlog would come before the next pass's
          s.close();
          s = open(prefetch, client);
        }
      }
    } finally {
      s.close();
    }
  }

  /** An invoker with one warm container of a new noop action. */
  private record Session(Invoker invoker, Action action, String tag, CompletionMessage cold)
      implements AutoCloseable {
    @Override
    public void close() {
      invoker.close();
    }
  }

  private Session open(int prefetch, HttpActionContainer.ClientKind client) throws Exception {
    Invoker invoker =
        Invoker.start(
            InvokerConfig.from(
                ConfigSource.of(
                    Map.of(
                        "kwhisk.kafka.bootstrap-servers",
                        controller.bootstrapServers(),
                        "kwhisk.invoker.id",
                        Integer.toString(INVOKER_ID),
                        "kwhisk.invoker.user-memory-mb",
                        "256",
                        "kwhisk.invoker.prefetch",
                        Integer.toString(prefetch),
                        "kwhisk.invoker.runtime-client",
                        client == HttpActionContainer.ClientKind.JDK ? "jdk" : "keep-alive",
                        // The container must stay up and unpaused for the bare /run calls after the
                        // drain.
                        "kwhisk.invoker.keep-alive",
                        "600s",
                        "kwhisk.invoker.pause-grace",
                        "0s"))));
    try {
      String tag = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
      Action action =
          controller.action("tp-" + prefetch + "-" + tag, 10_000, 256, 1, Map.of(), NOOP);
      controller.createContainer(INVOKER_ID, action);
      CompletionMessage cold =
          Json.decode(
              completions.await(send(action, tag + "c0"), COLD_TIMEOUT).value(),
              CompletionMessage.class);
      if (!cold.record().response().success()) {
        throw new IllegalStateException(
            "the noop action failed: " + cold.record().response().result());
      }
      return new Session(invoker, action, tag, cold);
    } catch (Exception | Error e) {
      invoker.close();
      throw e;
    }
  }

  private Result measure(
      int prefetch, HttpActionContainer.ClientKind client, int round, int backlog, int bareCalls)
      throws Exception {
    try (Session s = open(prefetch, client)) {
      Action action = s.action();
      String tag = s.tag();
      long[] roundTrips = new long[settings.warm()];
      for (int i = 0; i < roundTrips.length; i++) {
        long sent = System.nanoTime();
        Arrival a = completions.await(send(action, tag + "w" + i), Duration.ofSeconds(30));
        roundTrips[i] = a.nanos() - sent;
      }
      Arrays.sort(roundTrips);

      Drain drain = drain(action, tag + "d", prefetch, backlog, false);
      // After the drain: the runtime writes log sentinels on every /run, which the proxy would take
      // for its own.
      Bare bare = bareCalls == 0 ? Bare.SKIPPED : bareRun(s.cold().containerId(), bareCalls);
      return new Result(
          prefetch,
          client,
          round,
          percentileMs(roundTrips, 0.50),
          percentileMs(roundTrips, 0.99),
          drain,
          bare);
    }
  }

  /**
   * Publishes {@code backlog} activations with ids starting with {@code prefix} and times their
   * completions.
   */
  private Drain drain(Action action, String prefix, int prefetch, int backlog, boolean jit)
      throws Exception {
    Collector collector = completions.collect(prefix, backlog);
    long idleBefore = processCpuNanos();
    Thread.sleep(IDLE_SAMPLE.toMillis());
    double idleCores = (processCpuNanos() - idleBefore) / (double) IDLE_SAMPLE.toNanos();
    Map<String, Long> threadsBefore = threadCpu();
    long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();
    long cpuBefore = processCpuNanos();
    long[] machineBefore = machineJiffies();
    long began = System.nanoTime();
    System.out.printf(
        "DRAIN start%s prefetch=%d backlog=%d pid=%d load=%s%n",
        jit ? " (JIT warm-up)" : "",
        prefetch,
        backlog,
        ProcessHandle.current().pid(),
        loadAverage());
    String topic = Topics.actionTopic(action.fqn());
    for (int i = 0; i < backlog; i++) {
      ActivationMessage m = activation(action, prefix + i);
      producer.send(new ProducerRecord<>(topic, m.activationId(), Json.encode(m)));
    }
    producer.flush();
    long produced = System.nanoTime();
    long deadline = began + TimeUnit.SECONDS.toNanos(settings.maxDrainSeconds());
    int last = 0;
    long lastProgress = System.nanoTime();
    while (collector.count() < backlog && System.nanoTime() < deadline) {
      Thread.sleep(50);
      int now = collector.count();
      if (now != last) {
        last = now;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        break;
      }
    }
    long cpu = processCpuNanos() - cpuBefore;
    long[] machine = machineJiffies();
    Map<String, Long> threadsAfter = threadCpu();
    long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
    completions.stopCollecting();
    int n = collector.count();
    System.out.printf(
        "DRAIN end prefetch=%d completed=%d of %d in %.1f s (backlog produced in %d ms),"
            + " %d threads started%n",
        prefetch,
        n,
        backlog,
        (System.nanoTime() - began) / 1e9,
        TimeUnit.NANOSECONDS.toMillis(produced - began),
        started);
    if (n < 10)
      throw new IllegalStateException("only " + n + " completions of the backlog arrived");

    long[] t = Arrays.copyOf(collector.nanos, n);
    double drainPerSec = (n - 1) / ((t[n - 1] - t[0]) / 1e9);
    int lo = n / 10;
    int hi = n - 1 - n / 10;
    double steadyPerSec = (hi - lo) / ((t[hi] - t[lo]) / 1e9);
    Set<String> containers = new HashSet<>();
    Set<String> ids = new HashSet<>();
    long runMsSum = 0;
    for (int i = 0; i < n; i++) {
      CompletionMessage c = Json.decode(collector.values[i], CompletionMessage.class);
      containers.add(c.containerId());
      ids.add(c.activationId());
      if (i >= lo && i <= hi) runMsSum += c.record().end() - c.record().start();
    }
    if (ids.size() != n) System.out.printf("NOTE %d duplicate completions%n", n - ids.size());
    double machineBusy = (double) (machine[0] - machineBefore[0]) / (machine[1] - machineBefore[1]);
    Map<String, Double> byThread = new LinkedHashMap<>();
    cpuDelta(threadsBefore, threadsAfter)
        .forEach((group, nanos) -> byThread.put(group, nanos / 1e3 / n));
    double javaThreads = byThread.values().stream().mapToDouble(Double::doubleValue).sum();
    byThread.put("other (GC, JIT, VM)", cpu / 1e3 / n - javaThreads);
    return new Drain(
        n,
        drainPerSec,
        steadyPerSec,
        (double) runMsSum / (hi - lo + 1),
        cpu / 1e3 / n,
        idleCores,
        machineBusy,
        containers.size(),
        byThread);
  }

  /**
   * Sequential {@code POST /run} to the container: through the invoker's ActionContainer with
   * either client (alternating), as the invoker calls a container of concurrency 1 (a blocking call
   * on a pool thread); from a bare JDK HttpClient (blocking {@code send} on this thread); over one
   * plain keep-alive socket, what the container and the kernel allow without an HTTP client
   * library.
   */
  private static Bare bareRun(String containerId, int calls) throws Exception {
    String ip =
        ControllerDouble.inspect(
            containerId, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
    HttpClient client = HttpActionContainer.newClient();
    ExecutorService pool = HttpActionContainer.newCallPool("bench-http");
    try {
      double[][] both =
          containerRuns(
              HttpActionContainer.factory(client, pool, HttpActionContainer.ClientKind.KEEP_ALIVE),
              HttpActionContainer.factory(client, pool, HttpActionContainer.ClientKind.JDK),
              ip,
              calls);
      double[] keepAlive = both[0];
      double[] jdk = both[1];
      URI run = URI.create("http://" + ip + ":8080/run");
      long[] took = new long[calls];
      long began = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(run)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(runPayload("bare" + i)))
                .build();
        long t = System.nanoTime();
        HttpResponse<byte[]> response =
            client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        Json.MAPPER.readTree(response.body());
        took[i] = System.nanoTime() - t;
        if (response.statusCode() != 200)
          throw new IllegalStateException("/run answered " + response.statusCode());
      }
      double perSec = calls / ((System.nanoTime() - began) / 1e9);
      Arrays.sort(took);
      return new Bare(
          keepAlive, jdk, new double[] {perSec, percentileMs(took, 0.5)}, socketRun(ip, calls));
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Calls per second and p50 in ms of sequential {@code /run}s through an ActionContainer of
   * concurrency 1 made by each factory, alternating in blocks of {@value #BARE_BLOCK} calls so that
   * a change of the machine's load hits both alike.
   */
  private static double[][] containerRuns(
      ActionContainer.Factory a, ActionContainer.Factory b, String ip, int calls) {
    long[][] took = new long[2][calls];
    long[] busy = new long[2];
    try (ActionContainer first = a.connect(ip, 8080, 1);
        ActionContainer second = b.connect(ip, 8080, 1)) {
      ActionContainer[] containers = {first, second};
      for (int from = 0; from < calls; from += BARE_BLOCK) {
        for (int c = 0; c < 2; c++) {
          long began = System.nanoTime();
          for (int i = from; i < Math.min(calls, from + BARE_BLOCK); i++) {
            long t = System.nanoTime();
            CallOutcome outcome =
                containers[c]
                    .run(runBody("container" + c + "-" + i), Duration.ofSeconds(10))
                    .toCompletableFuture()
                    .join();
            took[c][i] = System.nanoTime() - t;
            if (!(outcome instanceof CallOutcome.Answered answered) || answered.status() != 200) {
              throw new IllegalStateException("/run ended " + outcome);
            }
          }
          busy[c] += System.nanoTime() - began;
        }
      }
    }
    double[][] out = new double[2][];
    for (int c = 0; c < 2; c++) {
      Arrays.sort(took[c]);
      out[c] = new double[] {calls / (busy[c] / 1e9), percentileMs(took[c], 0.5)};
    }
    return out;
  }

  /** Calls per second and p50 in ms. */
  private static double[] socketRun(String ip, int calls) throws Exception {
    long[] took = new long[calls];
    try (Socket socket = new Socket(ip, 8080)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      long began = System.nanoTime();
      for (int i = 0; i < calls; i++) {
        byte[] body = runPayload("socket" + i);
        byte[] head =
            ("POST /run HTTP/1.1\r\nHost: "
                    + ip
                    + ":8080\r\nContent-Type: application/json\r\n"
                    + "Content-Length: "
                    + body.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        long t = System.nanoTime();
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        out.write(request);
        out.flush();
        int length = -1;
        String status = readLine(in);
        if (!status.startsWith("HTTP/1.1 200"))
          throw new IllegalStateException("/run answered " + status);
        for (String line; !(line = readLine(in)).isEmpty(); ) {
          if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (length < 0) throw new IllegalStateException("/run answered without Content-Length");
        Json.MAPPER.readTree(in.readNBytes(length));
        took[i] = System.nanoTime() - t;
      }
      double perSec = calls / ((System.nanoTime() - began) / 1e9);
      Arrays.sort(took);
      return new double[] {perSec, percentileMs(took, 0.5)};
    }
  }

  private static String readLine(InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) throw new java.io.EOFException("the container closed the connection");
      if (c != '\r') line.append((char) c);
    }
    return line.toString();
  }

  private static byte[] runPayload(String activationId) {
    return Json.encode(runBody(activationId));
  }

  /**
   * The body the invoker sends to {@code /run} (ActivationResults.runPayload) for a noop without
   * parameters.
   */
  private static ObjectNode runBody(String activationId) {
    ObjectNode body = Json.object();
    body.set("value", Json.object());
    body.put("namespace", "guest");
    body.put("action_name", "/guest/bare");
    body.put("activation_id", activationId);
    body.put("transaction_id", "");
    body.put("deadline", Long.toString(System.currentTimeMillis() + 10_000));
    return body;
  }

  private String send(Action action, String id) {
    ActivationMessage m = activation(action, id);
    producer.send(new ProducerRecord<>(Topics.actionTopic(action.fqn()), id, Json.encode(m)));
    return id;
  }

  private static ActivationMessage activation(Action action, String id) {
    return new ActivationMessage(
        id,
        "tx-" + id,
        action.namespace(),
        action.name(),
        action.revision(),
        "guest",
        Json.object(),
        true,
        0,
        System.currentTimeMillis());
  }

  // ---------------------------------------------------------------- completions, read from
  // completed0

  private record Arrival(long nanos, byte[] value) {}

  /**
   * Arrival times (and raw values, decoded after the drain) of completions whose id starts with a
   * prefix.
   */
  private static final class Collector {
    final String prefix;
    final long[] nanos;
    final byte[][] values;

    /** By activation number: when its completion (the record, logs included) arrived. */
    final long[] completedAt;

    private volatile int count;

    Collector(String prefix, int capacity) {
      this.prefix = prefix;
      this.nanos = new long[capacity];
      this.values = new byte[capacity][];
      this.completedAt = new long[capacity];
    }

    /**
     * The activation's number, from an id made of the prefix and the number; -1 if it is not one of
     * ours.
     */
    int number(String id) {
      if (!id.startsWith(prefix)) return -1;
      try {
        int i = Integer.parseInt(id.substring(prefix.length()));
        return i >= 0 && i < completedAt.length ? i : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    int count() {
      return count;
    }

    /** Called only by the reader thread. */
    void add(long at, byte[] value) {
      int i = count;
      if (i == nanos.length) return;
      nanos[i] = at;
      values[i] = value;
      count = i + 1;
    }
  }

  /**
   * The benchmark's reader of {@code completed0}, in place of the ControllerDouble's (which decodes
   * every record as it comes): it keeps the key, the arrival time and the raw value, decoded after
   * the drain, so the measurement takes little CPU from the invoker it measures.
   */
  private static final class Completions implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, CompletableFuture<Arrival>> waiters = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile Collector collector;
    private volatile boolean running = true;

    Completions(String bootstrap) {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "client.id",
                  "bench-completions",
                  "max.poll.records",
                  2000),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<TopicPartition> topics = List.of(new TopicPartition(Topics.completedTopic(0), 0));
      consumer.assign(topics);
      consumer.seekToEnd(topics);
      topics.forEach(consumer::position);
      thread = new Thread(this::read, "bench-completions");
      thread.setDaemon(true);
      thread.start();
    }

    Collector collect(String prefix, int capacity) {
      Collector c = new Collector(prefix, capacity);
      collector = c;
      return c;
    }

    void stopCollecting() {
      collector = null;
    }

    Arrival await(String id, Duration timeout) throws Exception {
      CompletableFuture<Arrival> f = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
      try {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        waiters.remove(id);
      }
    }

    private void read() {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long at = System.nanoTime();
          Collector c = collector;
          int i = c == null ? -1 : c.number(r.key());
          if (i >= 0) {
            c.completedAt[i] = at;
            c.add(at, r.value());
          } else {
            waiters
                .computeIfAbsent(r.key(), k -> new CompletableFuture<>())
                .complete(new Arrival(at, r.value()));
          }
        }
        if (waiters.size() > 10_000)
          waiters.clear(); // completions nobody waits for (a cut drain's tail)
      }
      consumer.close();
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---------------------------------------------------------------- CPU accounting

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Busy and total jiffies of the whole machine, from /proc/stat (zeros where it is unreadable).
   */
  private static long[] machineJiffies() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (Exception e) {
      return new long[] {0, 1};
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  private static Map<String, Long> threadCpu() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Map<String, Long> byThread = new HashMap<>();
    for (long id : mx.getAllThreadIds()) {
      long cpu = mx.getThreadCpuTime(id);
      var info = mx.getThreadInfo(id);
      if (cpu >= 0 && info != null) byThread.put(id + "\t" + info.getThreadName(), cpu);
    }
    return byThread;
  }

  /**
   * CPU of each thread group during the drain, largest first; threads that ended meanwhile are
   * missed.
   */
  private static Map<String, Long> cpuDelta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> byGroup = new HashMap<>();
    after.forEach(
        (key, cpu) ->
            byGroup.merge(
                group(key.substring(key.indexOf('\t') + 1)),
                cpu - before.getOrDefault(key, 0L),
                Long::sum));
    Map<String, Long> sorted = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Names a thread's role: numbers and container names dropped, so a pool's threads add up. */
  static String group(String thread) {
    if (thread.startsWith("kwhisk-feed-")) return "invoker feed (share consumer)";
    if (thread.startsWith("HttpClient-")) return "invoker HttpClient";
    if (thread.startsWith("kwhisk-http-")) return "invoker HTTP calls";
    if (thread.contains("pekko.actor.default-dispatcher")) return "invoker actors (pekko)";
    if (thread.startsWith("kafka-producer-network-thread | invoker")) return "invoker producer I/O";
    if (thread.startsWith("kafka-producer-network-thread | bench")) return "bench producer I/O";
    if (thread.startsWith("bench-completions")) return "bench completion reader";
    if (thread.startsWith("it-completions")) return "ControllerDouble reader";
    if (thread.startsWith("docker-java") || thread.startsWith("kwhisk-docker"))
      return "invoker docker";
    if (thread.startsWith("data-plane-kafka-request-handler")) return "broker request handlers";
    if (thread.startsWith("data-plane-kafka-network-thread")) return "broker network";
    if (thread.startsWith("main")) return "bench main";
    return thread.replaceAll("[0-9]+", "#");
  }

  // ---------------------------------------------------------------- report

  private static double percentileMs(long[] sortedNanos, double p) {
    return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.floor(p * sortedNanos.length))]
        / 1e6;
  }

  private static String format(Result r) {
    Drain d = r.drain();
    Bare b = r.bare();
    StringBuilder threads = new StringBuilder();
    d.cpuUsByThread().entrySet().stream()
        .filter(e -> e.getValue() >= 20)
        .forEach(
            e ->
                threads.append(
                    String.format(" %s=%.0f", e.getKey().replace(' ', '_'), e.getValue())));
    return String.format(
        "prefetch=%d client=%s round=%d completed=%d drain/s=%.0f steady/s=%.0f run_ms=%.3f"
            + " cpu_us/act=%.0f idle_jvm_cores=%.2f machine_busy=%.0f%% containers=%d"
            + " seq_p50_ms=%.2f seq_p99_ms=%.2f keep_alive/s=%.0f keep_alive_p50_ms=%.3f jdk/s=%.0f jdk_p50_ms=%.3f"
            + " bare/s=%.0f bare_p50_ms=%.3f socket/s=%.0f socket_p50_ms=%.3f | cpu_us/act by thread:%s",
        r.prefetch(),
        r.client(),
        r.round(),
        d.completed(),
        d.drainPerSec(),
        d.steadyPerSec(),
        d.runMs(),
        d.cpuUs(),
        d.idleCores(),
        100 * d.machineBusy(),
        d.containers(),
        r.seqP50Ms(),
        r.seqP99Ms(),
        b.keepAlive()[0],
        b.keepAlive()[1],
        b.jdk()[0],
        b.jdk()[1],
        b.client()[0],
        b.client()[1],
        b.socket()[0],
        b.socket()[1],
        threads);
  }

  private static void printSummary(Settings settings, List<Result> results) {
    System.out.printf(
        "%nOne warm nodejs:20 noop container, concurrency 1; %d round(s), backlog %d;"
            + " median [min-max]%n",
        settings.rounds(), settings.backlog());
    System.out.println(
        "| prefetch | client | drain /s | steady /s (middle 80%) | /run in invoker ms"
            + " | JVM CPU us/act | machine CPU busy | sequential round trip p50 / p99 ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int p : settings.prefetches()) {
      for (HttpActionContainer.ClientKind client : settings.clients()) {
        List<Result> rs =
            results.stream().filter(r -> r.prefetch() == p && r.client() == client).toList();
        if (rs.isEmpty()) continue;
        System.out.printf(
            "| %d | %s | %s | %s | %s | %s | %s | %s / %s |%n",
            p,
            client,
            stat(rs, r -> r.drain().drainPerSec(), "%,.0f"),
            stat(rs, r -> r.drain().steadyPerSec(), "%,.0f"),
            stat(rs, r -> r.drain().runMs(), "%.2f"),
            stat(rs, r -> r.drain().cpuUs(), "%,.0f"),
            stat(rs, r -> 100 * r.drain().machineBusy(), "%.0f%%"),
            stat(rs, Result::seqP50Ms, "%.1f"),
            stat(rs, Result::seqP99Ms, "%.1f"));
      }
    }
    System.out.printf(
        "%nSequential /run straight to the container, %d calls each, all %d sessions;"
            + " median [min-max]%n",
        settings.bare(), results.size());
    System.out.println("| way | /run per s | p50 ms |");
    System.out.println("|---|---|---|");
    Map<String, java.util.function.Function<Bare, double[]>> ways = new LinkedHashMap<>();
    ways.put("ActionContainer, keep-alive connection (call pool)", Bare::keepAlive);
    ways.put("ActionContainer, JDK client blocking send (call pool)", Bare::jdk);
    ways.put("bare JDK HttpClient send (caller's thread)", Bare::client);
    ways.put("plain socket (caller's thread)", Bare::socket);
    ways.forEach(
        (way, f) ->
            System.out.printf(
                "| %s | %s | %s |%n",
                way,
                stat(results, r -> f.apply(r.bare())[0], "%,.0f"),
                stat(results, r -> f.apply(r.bare())[1], "%.3f")));
    System.out.println("\nJVM CPU per activation by thread group (us, median over rounds):");
    for (int p : settings.prefetches()) {
      for (HttpActionContainer.ClientKind client : settings.clients()) {
        List<Result> rs =
            results.stream().filter(r -> r.prefetch() == p && r.client() == client).toList();
        if (rs.isEmpty()) continue;
        StringBuilder line = new StringBuilder("  prefetch " + p + ", " + client + ":");
        rs.get(0)
            .drain()
            .cpuUsByThread()
            .forEach(
                (group, first) -> {
                  double us =
                      median(
                          rs.stream()
                              .mapToDouble(r -> r.drain().cpuUsByThread().getOrDefault(group, 0.0))
                              .toArray());
                  if (us >= 20) line.append(String.format(" %s %.0f;", group, us));
                });
        System.out.println(line);
      }
    }
  }

  private static String stat(
      List<Result> rs, java.util.function.ToDoubleFunction<Result> f, String fmt) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 1) return String.format(fmt, v[0]);
    return String.format(fmt + " [" + fmt + "-" + fmt + "]", median(v), v[0], v[v.length - 1]);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
