package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * One broker of a three-broker Kafka cluster stopped under load and brought back, with the
 * accepted-versus-recorded ledger: a controller and an invoker run as separate processes against a
 * {@link KafkaCluster} (Testcontainers, the kwhisk/kafka image); open-loop load (half blocking)
 * goes to echo actions; a third of the way in, the broker leading the first action's topic is
 * stopped ({@code docker stop}: controlled shutdown), two thirds in it starts again. Every
 * activation the API accepted must end with exactly one record whose result echoes its input.
 * kwhisk's own topics must be replicated three times with {@code min.insync.replicas} 2, set by
 * kwhisk (the brokers' defaults are Kafka's: 1 and 1).
 *
 * <p>The CI case is short; {@code -Dkwhisk.fault.tps=100 -Dkwhisk.fault.seconds=60} is the long one
 * (CONTRIBUTING.md). It prints the ledger and how long the cluster took to have every replica in
 * sync after the broker's start.
 *
 * <p>Not in CI (three Kafka containers start in 1-2.5 minutes on this machine): it runs with {@code
 * -Dkwhisk.fault.long=true}, see CONTRIBUTING.md.
 */
@EnabledIfSystemProperty(
    named = "kwhisk.fault.long",
    matches = "true",
    disabledReason = "long fault test: -Dkwhisk.fault.long=true (CONTRIBUTING.md)")
class BrokerStopIT {
  private static final int TPS = Integer.getInteger("kwhisk.fault.tps", 20);
  private static final int SECONDS = Integer.getInteger("kwhisk.fault.seconds", 15);
  private static final int ACTIONS = Integer.getInteger("kwhisk.fault.actions", 2);

  @TempDir Path dir;

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void
      stoppingOneBrokerOfThreeUnderLoadLosesNoAcceptedActivationAndKwhiskTopicsKeepTwoCopiesInSync()
          throws Exception {
    try (ThreeBrokerSetup setup = new ThreeBrokerSetup(dir, "60s")) {
      KafkaCluster kafka = setup.kafka;
      Admin admin = setup.admin;
      FaultApi api = setup.api;
      ProcessCluster.Node controller = setup.controller;
      List<String> actions = api.echoActions(controller, ACTIONS);

      int victim =
          leaderOf(admin, Topics.actionTopic(new FullyQualifiedName("guest", actions.get(0))));
      Ledger ledger = new Ledger();
      // The stop (a controlled shutdown: seconds) runs beside the load, which goes on meanwhile.
      ExecutorService faults = Executors.newSingleThreadExecutor();
      AtomicReference<CompletableFuture<Void>> stopping = new AtomicReference<>();
      long[] stoppedAt = {0};
      long[] startedAt = {0};
      int total = TPS * SECONDS;
      FaultApi.openLoop(
          TPS,
          SECONDS,
          i -> api.invoke(controller, ledger, actions.get(i % ACTIONS), i % 2 == 0),
          Map.of(
              total / 3,
              () -> {
                stoppedAt[0] = System.currentTimeMillis();
                stopping.set(CompletableFuture.runAsync(() -> kafka.stop(victim), faults));
              },
              2 * total / 3,
              () -> {
                stopping.get().get(60, TimeUnit.SECONDS);
                startedAt[0] = System.currentTimeMillis();
                kafka.start(victim);
              }));
      faults.shutdown();
      kafka.awaitFullyReplicated(admin, Duration.ofSeconds(180));
      long inSyncAfterMs = System.currentTimeMillis() - startedAt[0];

      Ledger.Outcome outcome = api.check(controller, ledger, actions, stoppedAt[0], false);
      System.out.printf(
          "BrokerStopIT: %d TPS for %d s over %d actions, broker %d stopped at %d s for %d s: %s; "
              + "every replica in sync %d ms after its start; HTTP statuses %s (first refusals %s); refused %d, "
              + "failed calls %d%n",
          TPS,
          SECONDS,
          ACTIONS,
          victim,
          SECONDS / 3,
          (startedAt[0] - stoppedAt[0]) / 1000,
          outcome,
          inSyncAfterMs,
          ledger.statuses,
          ledger.firstRefusals,
          ledger.refused.get(),
          ledger.failedCalls.get());
      assertThat(outcome.accepted()).isPositive();
      outcome.assertNoneLostWrongOrDuplicated();
      assertThat(replicationOfKwhiskTopics(admin))
          .as("replicas and min.insync.replicas of kwhisk's topics")
          .isNotEmpty()
          .allSatisfy((topic, replication) -> assertThat(replication).as(topic).isEqualTo("3/2"));
    }
  }

  private static int leaderOf(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .get(0)
        .leader()
        .id();
  }

  /** Each topic that is not Kafka's own, as "replicas/min.insync.replicas". */
  private static Map<String, String> replicationOfKwhiskTopics(Admin admin) throws Exception {
    List<String> names =
        admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
            .filter(n -> !n.startsWith("__"))
            .sorted()
            .toList();
    Map<String, TopicDescription> topics =
        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
    Map<ConfigResource, Config> configs =
        admin
            .describeConfigs(
                names.stream()
                    .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                    .collect(Collectors.toList()))
            .all()
            .get(30, TimeUnit.SECONDS);
    Map<String, String> replication = new HashMap<>();
    for (String name : names) {
      int replicas = topics.get(name).partitions().get(0).replicas().size();
      String minIsr =
          configs
              .get(new ConfigResource(ConfigResource.Type.TOPIC, name))
              .get("min.insync.replicas")
              .value();
      replication.put(name, replicas + "/" + minIsr);
    }
    return replication;
  }
}
