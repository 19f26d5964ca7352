package io.kwhisk.standalone.fault;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A Kafka cluster of {@code n} KRaft nodes (each broker and controller) in containers, started with
 * Testcontainers' Kafka module on the image kwhisk builds ({@code kwhisk/kafka},
 * scripts/build-images.sh), which honours the {@code apache/kafka} image's {@code KAFKA_*} contract
 * the module relies on. Internal topics (offsets, share-group state) are replicated to every node
 * with a majority in sync; kwhisk's own topics are left to kwhisk: no default replication factor or
 * {@code min.insync.replicas} is set on the brokers, so a test sees what kwhisk configures.
 *
 * <p>Each node's client port is bound to a fixed free host port, so a node stopped ({@link #stop})
 * and started again ({@link #start}) keeps its address and data (the container is stopped, not
 * removed).
 */
final class KafkaCluster implements AutoCloseable {
  static final DockerImageName IMAGE =
      DockerImageName.parse(System.getProperty("kwhisk.fault.kafka-image", "kwhisk/kafka:latest"))
          .asCompatibleSubstituteFor("apache/kafka");

  /**
   * The module's own command waits for its start script to exist and executes it, which on a busy
   * machine can happen while {@code docker cp} still writes it ("Text file busy", exit 126): wait
   * until it is complete (its last line names /etc/kafka/docker/run) and let bash read it instead
   * of executing the file.
   */
  private static final String[] START = {
    "sh",
    "-c",
    "until grep -q /etc/kafka/docker/run /tmp/testcontainers_start.sh 2>/dev/null; do sleep 0.1; done; "
        + "exec bash /tmp/testcontainers_start.sh"
  };

  private final Network network = Network.newNetwork();
  private final List<KafkaContainer> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  /**
   * Starts {@code n} nodes; {@code settings} are more broker properties for each ({@code
   * KAFKA_<NAME>}).
   */
  KafkaCluster(int n, Map<String, String> settings) throws IOException {
    // Kafka's own Uuid: never one whose text starts with "-", which KRaft's storage format
    // rejects as a cluster id (a random 16 bytes in URL-safe base64 starts so once in 64).
    String clusterId = Uuid.randomUuid().toString();
    String voters =
        IntStream.rangeClosed(1, n)
            .mapToObj(i -> i + "@kafka-" + i + ":9094")
            .collect(Collectors.joining(","));
    String replicas = Integer.toString(Math.min(3, n));
    String minIsr = Integer.toString(n >= 3 ? 2 : 1);
    for (int i = 1; i <= n; i++) {
      int port = freePort();
      KafkaContainer node =
          new KafkaContainer(IMAGE)
              .withNetwork(network)
              .withNetworkAliases("kafka-" + i)
              .withEnv("CLUSTER_ID", clusterId)
              .withEnv("KAFKA_NODE_ID", Integer.toString(i))
              .withEnv("KAFKA_CONTROLLER_QUORUM_VOTERS", voters)
              .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", replicas)
              .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", replicas)
              .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", minIsr)
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", replicas)
              .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", minIsr)
              .withEnv("KAFKA_HEAP_OPTS", "-Xms64m -Xmx320m")
              .withCreateContainerCmdModifier(
                  cmd ->
                      cmd.getHostConfig()
                          .withPortBindings(
                              new PortBinding(Ports.Binding.bindPort(port), ExposedPort.tcp(9092))))
              .withStartupTimeout(Duration.ofMinutes(3))
              .withCommand(START);
      settings.forEach((k, v) -> node.withEnv("KAFKA_" + k.toUpperCase().replace('.', '_'), v));
      nodes.add(node);
      ports.add(port);
    }
    try {
      Startables.deepStart(nodes).join(); // in parallel: each node waits for a quorum of the others
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Every node's client address, whether it runs or not (a client finds the ones that do). */
  String bootstrapServers() {
    return ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
  }

  int size() {
    return nodes.size();
  }

  /**
   * Stops node {@code i} (1-based) as {@code docker stop} does: SIGTERM, Kafka's controlled
   * shutdown.
   */
  void stop(int i) {
    docker().stopContainerCmd(nodes.get(i - 1).getContainerId()).withTimeout(30).exec();
  }

  /** Starts node {@code i} again, with its data and address. */
  void start(int i) {
    docker().startContainerCmd(nodes.get(i - 1).getContainerId()).exec();
  }

  /**
   * Waits until every partition of every topic has all its replicas in sync again (after {@link
   * #start}).
   */
  void awaitFullyReplicated(Admin admin, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              if (admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() < nodes.size())
                return false;
              Set<String> names =
                  admin
                      .listTopics(new ListTopicsOptions().listInternal(true))
                      .names()
                      .get(10, TimeUnit.SECONDS);
              for (TopicDescription d :
                  admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                if (d.partitions().stream().anyMatch(p -> p.isr().size() < p.replicas().size()))
                  return false;
              }
              return true;
            });
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Removes the nodes and their network (no reaper runs: TESTCONTAINERS_RYUK_DISABLED in the
   * build).
   */
  @Override
  public void close() {
    for (KafkaContainer node : nodes) {
      try {
        node.stop();
      } catch (RuntimeException e) {
        // Already gone: nothing to remove.
      }
    }
    network.close();
  }
}
