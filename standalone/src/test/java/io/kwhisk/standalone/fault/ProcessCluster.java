package io.kwhisk.standalone.fault;

import static org.awaitility.Awaitility.await;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.controller.admin.AdminMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Controllers and invokers as separate JVMs (their own main classes, {@code ControllerMain} and
 * {@code InvokerMain}, on this test's class path) against one broker in the test's JVM or a {@link
 * KafkaCluster}, so a fault test can kill one with SIGKILL ({@link Node#kill()}) and leave the
 * others running. Each process logs to a file under the cluster's directory. Ports are picked free;
 * invoker ids are {@code invokerBase + n}.
 */
final class ProcessCluster implements AutoCloseable {
  private final Path dir;
  private final String bootstrapServers;
  private final AutoCloseable kafka;
  private final List<Node> nodes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String credentials =
      UUID.randomUUID() + ":" + UUID.randomUUID().toString().replace("-", "");

  /** One kwhisk process. */
  final class Node {
    final String name;
    final int port;
    final List<String> command;
    Process process;

    Node(String name, int port, List<String> command) {
      this.name = name;
      this.port = port;
      this.command = command;
    }

    void start() throws IOException {
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(name + ".log").toFile())
              .start();
    }

    /** SIGKILL: the process gets no chance to close anything. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }
  }

  /**
   * A record lock of 5 s (production: 30 s) bounds how long a killed invoker's held records wait
   * for redelivery, which keeps the fault tests short; the invoker renews the locks of what it runs
   * every half lock.
   */
  static final Map<String, String> SHORT_LOCKS =
      Map.of(
          "group.share.min.record.lock.duration.ms", "1000",
          "group.share.record.lock.duration.ms", "5000");

  /**
   * Controller settings that let a fault test's load through: the ledger needs it accepted, not
   * shed (no per-minute limit, no concurrency limit, no backlog limit per action).
   */
  static final Map<String, String> UNTHROTTLED =
      Map.of(
          "kwhisk.controller.throttle.namespace-per-minute", "0",
          "kwhisk.controller.throttle.namespace-concurrency", "100000",
          "kwhisk.controller.throttle.min-backlog", "100000");

  /**
   * Invoker settings of the fault tests: {@code memoryMb} of user memory, containers kept {@code
   * keepAlive} and never paused (a paused container would hide the fault behind an unpause), and
   * heartbeats every 500 ms so that a dead invoker is noticed within the test's bounds.
   */
  static Map<String, String> faultInvoker(int memoryMb, String keepAlive) {
    return Map.of(
        "kwhisk.invoker.user-memory-mb",
        String.valueOf(memoryMb),
        "kwhisk.invoker.keep-alive",
        keepAlive,
        "kwhisk.invoker.pause-grace",
        "0",
        "kwhisk.invoker.heartbeat-interval",
        "500ms");
  }

  /** {@code settings} with more {@code key, value} pairs. */
  static Map<String, String> plus(Map<String, String> settings, String... keyValues) {
    Map<String, String> all = new HashMap<>(settings);
    for (int i = 0; i + 1 < keyValues.length; i += 2) all.put(keyValues[i], keyValues[i + 1]);
    return Map.copyOf(all);
  }

  /**
   * Against one embedded broker in this JVM (with {@link #SHORT_LOCKS}), closed with the cluster.
   */
  ProcessCluster(Path dir) {
    this(dir, SHORT_LOCKS);
  }

  /**
   * Against one embedded broker in this JVM with {@code brokerSettings}, closed with the cluster.
   */
  ProcessCluster(Path dir, Map<String, String> brokerSettings) {
    this(dir, EmbeddedKafka.start(dir.resolve("kafka"), 0, brokerSettings));
  }

  private ProcessCluster(Path dir, EmbeddedKafka kafka) {
    this(dir, kafka.bootstrapServers(), kafka);
  }

  /** Against the brokers at {@code bootstrapServers}; {@code kafka} is closed with the cluster. */
  ProcessCluster(Path dir, String bootstrapServers, AutoCloseable kafka) {
    this.dir = dir;
    this.bootstrapServers = bootstrapServers;
    this.kafka = kafka;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Registers the namespace guest with {@link #credentials}, as the operator's admin command does.
   */
  void registerGuest() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        AdminMain.run(
            new String[] {"namespace", "register", "guest", credentials},
            ConfigSource.of(Map.of("kwhisk.kafka.bootstrap-servers", bootstrapServers)),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    if (rc != 0) throw new IllegalStateException("namespace register failed: " + err);
  }

  Node controller(int id, Map<String, String> settings) throws IOException {
    int port = freePort();
    Map<String, String> all = new HashMap<>(settings);
    all.put("kwhisk.controller.id", Integer.toString(id));
    all.put("kwhisk.controller.port", Integer.toString(port));
    all.put("kwhisk.controller.host", "127.0.0.1");
    // Under the cluster's directory: a restarted controller of this id finds its activation store.
    all.putIfAbsent("kwhisk.controller.data-dir", dir.resolve("controllers").toString());
    Node node = node("controller" + id, port, "io.kwhisk.controller.ControllerMain", all);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> ok(node.url("/ping")));
    return node;
  }

  Node invoker(int id, Map<String, String> settings) throws IOException {
    int port = freePort();
    Map<String, String> all = new HashMap<>(settings);
    all.put("kwhisk.invoker.id", Integer.toString(id));
    all.put("kwhisk.invoker.metrics-port", Integer.toString(port));
    Node node = node("invoker" + id, port, "io.kwhisk.invoker.InvokerMain", all);
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> ok(node.url("/ready")));
    return node;
  }

  private Node node(String name, int port, String main, Map<String, String> settings)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dkwhisk.kafka.bootstrap-servers=" + bootstrapServers));
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add(main);
    Node node = new Node(name, port, command);
    node.start();
    nodes.add(node);
    return node;
  }

  private boolean ok(String url) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url))
                      .timeout(Duration.ofSeconds(3))
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops every process still running (SIGTERM, then SIGKILL after 60 s), then Kafka. */
  @Override
  public void close() {
    for (Node n : nodes) {
      if (n.process != null && n.process.isAlive()) n.process.destroy();
    }
    for (Node n : nodes) {
      try {
        if (n.process != null && !n.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
          n.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      kafka.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Kafka", e);
    }
  }
}
