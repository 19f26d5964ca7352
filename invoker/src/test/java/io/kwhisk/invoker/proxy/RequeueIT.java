package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Containers that never start, one after another (an overloaded engine: "port ... did not open
 * within 30000 ms"), on a real broker with the share group's default delivery limit (5): each one
 * joins the action's group while it starts and holds the activation it pulled, then gives it back
 * unrun. Released, the activation spent one delivery per container and was dead-lettered after the
 * fifth without ever running; given back as a new record ({@link Requeues}) it spends none, so it
 * runs once a container gets ready, and with an engine that never starts one it still ends, as a
 * dead letter (which a controller turns into its error record: the controller's DeadLettersIT),
 * after {@link Requeues#LIMIT} requeues and five deliveries. The runtime that refuses to start is a
 * fake, as in {@link RetiringProxyIT}; the broker, the feeds and the publisher are real.
 */
class RequeueIT {
  private static ControllerDouble controller;
  private static Admin admin;
  private static final ActorTestKit testKit = ActorTestKit.create();

  private final FakeRuntime runtime = new FakeRuntime();
  private final FakeContainer container = new FakeContainer();
  private LogCollectors logs;
  private KafkaPublisher publisher;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
    admin = Admin.create(Map.of("bootstrap.servers", controller.bootstrapServers()));
    try {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topics.DEAD_LETTERS, 1, (short) 1)
                      .configs(
                          Map.of(TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG, "true"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    testKit.shutdownTestKit();
    if (admin != null) admin.close();
    if (controller != null) controller.close();
  }

  @AfterEach
  void closeClients() {
    if (logs != null) logs.close();
    if (publisher != null) publisher.close();
  }

  @Test
  @Timeout(300)
  void anActivationWhoseFirstSevenContainersNeverStartRunsOnTheEighth() throws Exception {
    Action action = controller.action("requeued", 1_000, 128, "function main(){return {}}");
    String id = controller.send(action, Json.object().put("n", 1));
    int failed = Requeues.LIMIT + 2; // five requeues, then two releases: seven deliveries in all
    for (int i = 0; i < failed; i++) {
      Container c = spawn(action, "requeued-" + i);
      c.awaitPulled(id);
      c.failToStart();
    }

    Container last = spawn(action, "requeued-" + failed);
    Delivery d = last.awaitPulled(id);
    assertThat(d.message().requeues()).isEqualTo(Requeues.LIMIT);
    assertThat(d.deliveryCount())
        .as("the copy given back the fifth time was released twice since")
        .isEqualTo(3);
    last.start();
    FakeContainer.PendingRun run = container.runs.poll(30, TimeUnit.SECONDS);
    assertThat(run).isNotNull();
    assertThat(run.body().get("activation_id").asText()).isEqualTo(id);
    run.answer().complete(new CallOutcome.Answered(200, Json.object().put("ok", true)));

    CompletionMessage completion = controller.awaitCompletion(id);
    assertThat(completion.record().response().statusCode()).isEqualTo(ActivationResponse.SUCCESS);
    assertThat(controller.completionCount(id)).isEqualTo(1);
  }

  @Test
  @Timeout(300)
  void anActivationNoContainerCanStartForEndsAsADeadLetterInsteadOfWaitingForever()
      throws Exception {
    Action action = controller.action("never-starts", 1_000, 128, "function main(){return {}}");
    withDeadLetters(action);
    String id = controller.send(action, Json.object().put("n", 1));
    try (KafkaConsumer<String, byte[]> deadLetters = deadLetterReader()) {
      List<ActivationMessage> given = new CopyOnWriteArrayList<>();
      int held = 0;
      for (int i = 0; given.isEmpty(); i++) {
        assertThat(i).as("containers tried").isLessThanOrEqualTo(3 * Requeues.LIMIT);
        Container c = spawn(action, "never-starts-" + i);
        await()
            .alias("container " + i + " holds the activation, or the broker gave it up")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  for (ConsumerRecord<String, byte[]> r : deadLetters.poll(Duration.ofMillis(50)))
                    given.add(Json.decode(r.value(), ActivationMessage.class));
                  return !c.pulled.isEmpty() || !given.isEmpty();
                });
        if (!c.pulled.isEmpty()) held++;
        c.failToStart();
      }
      assertThat(given).extracting(ActivationMessage::activationId).containsExactly(id);
      assertThat(given.get(0).requeues()).isEqualTo(Requeues.LIMIT);
      assertThat(held)
          .as("five containers gave it back as a new record, five more released it")
          .isEqualTo(2 * Requeues.LIMIT);
    }
    assertThat(controller.completionCount(id)).as("it never ran").isZero();
  }

  /** One proxy whose container start the test ends, with the feeds it opened watched. */
  private final class Container {
    final String name;
    final TestProbe<ContainerProxy.Event> parent;
    final CompletableFuture<RunningContainer> startAnswer;
    final List<Delivery> pulled;

    Container(
        String name,
        TestProbe<ContainerProxy.Event> parent,
        CompletableFuture<RunningContainer> startAnswer,
        List<Delivery> pulled) {
      this.name = name;
      this.parent = parent;
      this.startAnswer = startAnswer;
      this.pulled = pulled;
    }

    Delivery awaitPulled(String id) {
      await()
          .alias(name + " holds the activation")
          .atMost(Duration.ofSeconds(60))
          .until(() -> !pulled.isEmpty());
      assertThat(pulled).hasSize(1);
      assertThat(pulled.get(0).activationId()).isEqualTo(id);
      return pulled.get(0);
    }

    /** Fails the start as an overloaded engine did, and waits for the proxy to stop. */
    void failToStart() {
      startAnswer.completeExceptionally(
          new IllegalStateException("port 8080 of " + name + " did not open within 30000 ms"));
      parent.fishForMessage(
          Duration.ofSeconds(30),
          e ->
              e.equals(new ContainerProxy.Stopped(name))
                  ? FishingOutcomes.complete()
                  : FishingOutcomes.continueAndIgnore());
    }

    void start() {
      startAnswer.complete(new RunningContainer("id-" + name, name, "127.0.0.1", 8080));
    }
  }

  private Container spawn(Action action, String name) {
    KafkaSettings kafka = KafkaSettings.of(controller.bootstrapServers());
    if (publisher == null) publisher = new KafkaPublisher(kafka, 0);
    if (logs == null)
      logs =
          new LogCollectors(
              LogSource.STREAM,
              runtime,
              Duration.ofSeconds(1),
              InvokerMetrics.discarding(),
              "requeue-logs");
    List<Delivery> pulled = new CopyOnWriteArrayList<>();
    ActivationSource.Factory feeds = RecordingFeeds.of(kafka, pulled);
    InvokerConfig config =
        InvokerConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.kafka.bootstrap-servers",
                    controller.bootstrapServers(),
                    "kwhisk.invoker.pause-grace",
                    "0")));
    ProxyDeps deps =
        new ProxyDeps(
            config.proxySettings(),
            runtime,
            container,
            feeds,
            publisher,
            logs,
            InvokerMetrics.discarding(),
            Clock.systemUTC());
    CompletableFuture<RunningContainer> startAnswer = new CompletableFuture<>();
    runtime.startAnswer = startAnswer;
    TestProbe<ContainerProxy.Event> parent = testKit.createTestProbe();
    testKit.spawn(ContainerProxy.create(name, action, Duration.ZERO, parent.getRef(), deps), name);
    return new Container(name, parent, startAnswer, pulled);
  }

  /**
   * Gives the action's group the dead-letter topic, as the controller does when it creates an
   * action ({@code TopicAdmin.provisionAction}; the topic as its {@code TopicAdmin} makes it).
   */
  private static void withDeadLetters(Action action) throws Exception {
    ConfigResource group =
        new ConfigResource(ConfigResource.Type.GROUP, Topics.actionGroup(action.fqn()));
    admin
        .incrementalAlterConfigs(
            Map.of(
                group,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry("errors.deadletterqueue.topic.name", Topics.DEAD_LETTERS),
                        AlterConfigOp.OpType.SET),
                    new AlterConfigOp(
                        new ConfigEntry("errors.deadletterqueue.copy.record.enable", "true"),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private static KafkaConsumer<String, byte[]> deadLetterReader() {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", controller.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    TopicPartition tp = new TopicPartition(Topics.DEAD_LETTERS, 0);
    consumer.assign(List.of(tp));
    consumer.seekToBeginning(List.of(tp));
    return consumer;
  }
}
