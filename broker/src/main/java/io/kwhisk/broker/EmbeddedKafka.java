package io.kwhisk.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM, for
 * the standalone launcher and integration tests. The data directory is formatted on first use only,
 * so a restart on the same directory keeps every topic. Replication factors are 1 everywhere,
 * including the share-group state topic (left at its default of 3, share consumers on a single node
 * silently receive nothing), and share-group heartbeats and assignments are made fast so a
 * container joining an action's group gets records within tens of milliseconds.
 *
 * <p>Not thread-safe: start and close it from one thread.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /** Starts a broker on random free loopback ports, keeping its data under {@code dataDir}. */
  public static EmbeddedKafka start(Path dataDir) {
    return start(dataDir, 0, Map.of());
  }

  /**
   * Starts a broker whose client port is {@code port} (0 picks a free one); {@code overrides}
   * replace or add server.properties entries.
   */
  public static EmbeddedKafka start(Path dataDir, int port, Map<String, String> overrides) {
    Objects.requireNonNull(dataDir, "dataDir should not be null");
    long began = System.nanoTime();
    try {
      Files.createDirectories(dataDir);
      int clientPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      Properties props = serverProperties(dataDir.resolve("logs"), clientPort, controllerPort);
      overrides.forEach(props::setProperty);
      Path propsFile = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "written by kwhisk EmbeddedKafka at every start");
      }
      formatIfNeeded(dataDir.resolve("logs"), propsFile);
      KafkaRaftServer server =
          new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + clientPort;
      EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dataDir);
      kafka.awaitReady();
      log.info(
          "Embedded Kafka ready at {} in {} ms (data in {})",
          bootstrap,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
          dataDir);
      return kafka;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot prepare the embedded Kafka data directory " + dataDir, e);
    }
  }

  static Properties serverProperties(Path logDir, int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("auto.create.topics.enable", "true");
    // A single node: every internal topic must have replication factor 1 and min.isr 1.
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "2");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "4");
    // Fast joins: no rebalance delay, short share heartbeats, immediate assignments.
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    p.setProperty("group.share.min.heartbeat.interval.ms", "100");
    p.setProperty("group.share.heartbeat.interval.ms", "500");
    p.setProperty("group.share.min.session.timeout.ms", "3000");
    p.setProperty("group.share.session.timeout.ms", "10000");
    p.setProperty("group.share.min.assignment.interval.ms", "0");
    p.setProperty("group.share.assignment.interval.ms", "0");
    // Small footprint: one log cleaner thread with a small buffer (compacted entity topic only).
    p.setProperty("log.cleaner.dedupe.buffer.size", "4194304");
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "4");
    // Idle cost: the metadata quorum appends (and flushes) a no-op record every 500 ms by default.
    p.setProperty("metadata.max.idle.interval.ms", "5000");
    return p;
  }

  private static void formatIfNeeded(Path logDir, Path propsFile) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    String clusterId = base64Uuid();
    int rc;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format", "-t", clusterId, "-c", propsFile.toString(), "--ignore-formatted"
              },
              out);
    }
    if (rc != 0) {
      throw new IllegalStateException("formatting the embedded Kafka storage failed: " + buffer);
    }
    log.debug(
        "Formatted embedded Kafka storage: {}", buffer.toString(StandardCharsets.UTF_8).trim());
  }

  private static String base64Uuid() {
    return org.apache.kafka.common.Uuid.randomUuid().toString();
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(READY_TIMEOUT);
    Map<String, Object> conf =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10_000,
            AdminClientConfig.CLIENT_ID_CONFIG,
            "kwhisk-embedded-readiness-" + UUID.randomUUID());
    try (Admin admin = Admin.create(conf)) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          if (Instant.now().isAfter(deadline)) {
            close();
            throw new IllegalStateException(
                "embedded Kafka did not answer within " + READY_TIMEOUT, e);
          }
          sleep(100);
        }
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /** {@code host:port} for clients. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits for it; data stays on disk. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
