package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.invoker.ControllerDouble;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.fake.FakeContainer;
import io.kwhisk.invoker.fake.FakeRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.publish.KafkaPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A container retired before it is up (its invoker stops, its action is updated) on a real broker:
 * it stays in the action's share group until it can be removed, and must not acquire again the
 * record it gave back. Each acquisition is one of the record's five deliveries, and a released
 * record is the first the next poll acquires: a feed that kept pulling used them all up within a
 * second, and the activation ended with the dead-letter error record (issue 13, seen in ClusterIT
 * when an invoker stopped while its containers started). What it held never ran, so it goes back as
 * a new record (written by the real publisher), and the original is accepted.
 */
class RetiringProxyIT {
  private static ControllerDouble controller;
  private static final ActorTestKit testKit = ActorTestKit.create();

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    if (controller != null) controller.close();
  }

  @Test
  @Timeout(120)
  void aContainerRetiredWhileItStartsGivesItsRecordBackOnceAndPullsNoMore() throws Exception {
    Action action = controller.action("retired-starting", 1_000, 128, "function main(){return {}}");
    KafkaSettings kafka = KafkaSettings.of(controller.bootstrapServers());
    FakeRuntime runtime = new FakeRuntime();
    runtime.startAnswer = new CompletableFuture<>();
    List<Delivery> pulled = new CopyOnWriteArrayList<>();
    ActivationSource.Factory feeds = RecordingFeeds.of(kafka, pulled);
    LogCollectors logs =
        new LogCollectors(
            LogSource.STREAM,
            runtime,
            Duration.ofSeconds(1),
            InvokerMetrics.discarding(),
            "retiring-logs");
    InvokerConfig config =
        InvokerConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.kafka.bootstrap-servers",
                    controller.bootstrapServers(),
                    "kwhisk.invoker.pause-grace",
                    "0")));
    KafkaPublisher publisher = new KafkaPublisher(kafka, 0);
    ProxyDeps deps =
        new ProxyDeps(
            config.proxySettings(),
            runtime,
            new FakeContainer(),
            feeds,
            publisher,
            logs,
            InvokerMetrics.discarding(),
            Clock.systemUTC());
    TestProbe<ContainerProxy.Event> parent = testKit.createTestProbe();
    ActivationSource other = null;
    try {
      ActorRef<ContainerProxy.Command> proxy =
          testKit.spawn(
              ContainerProxy.create(
                  "retired-starting", action, Duration.ZERO, parent.getRef(), deps),
              "retired-starting");
      String id = controller.send(action, Json.object().put("n", 1));
      await()
          .alias("the starting container holds the record")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !pulled.isEmpty());

      proxy.tell(ContainerProxy.Retire.INSTANCE);
      await()
          .alias("the retired container gives the record back and acquires it no more")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> pulled.size() == 1);

      runtime.startAnswer.complete(
          new RunningContainer("id-retired-starting", "retired-starting", "127.0.0.1", 8080));
      parent.fishForMessage(
          Duration.ofSeconds(30),
          e ->
              e.equals(new ContainerProxy.Stopped("retired-starting"))
                  ? FishingOutcomes.complete()
                  : FishingOutcomes.continueAndIgnore());

      List<Delivery> elsewhere = new CopyOnWriteArrayList<>();
      other =
          ActivationFeed.factory(kafka)
              .open(action.fqn(), "retired-other", 1, 1, elsewhere::addAll, e -> {});
      await()
          .alias("another container gets the record")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !elsewhere.isEmpty());
      assertThat(elsewhere.get(0).activationId()).isEqualTo(id);
      assertThat(elsewhere.get(0).message().requeues())
          .as("given back once as a new record")
          .isEqualTo(1);
      assertThat(elsewhere.get(0).deliveryCount())
          .as("the new record's first delivery: the retired container spent none")
          .isEqualTo(1);
      other.acknowledge(elsewhere.get(0));
      await()
          .alias("the original was accepted, not released: nothing else comes")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> elsewhere.size() == 1);
    } finally {
      if (other != null) other.close();
      logs.close();
      publisher.close();
    }
  }
}
