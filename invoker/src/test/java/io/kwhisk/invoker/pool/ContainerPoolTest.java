package io.kwhisk.invoker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.fake.FakeContainer;
import io.kwhisk.invoker.fake.FakePublisher;
import io.kwhisk.invoker.fake.FakeRuntime;
import io.kwhisk.invoker.fake.FakeSource;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.proxy.CallOutcome;
import io.kwhisk.invoker.proxy.Delivery;
import io.kwhisk.invoker.proxy.LogCollectors;
import io.kwhisk.invoker.proxy.LogSource;
import io.kwhisk.invoker.proxy.ProxyDeps;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's actor with fake proxies' collaborators: memory admission, heartbeats, retirement. */
@Timeout(20)
class ContainerPoolTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  private final FakeRuntime runtime = new FakeRuntime();
  private final FakePublisher publisher = new FakePublisher();
  private final FakeContainer container = new FakeContainer();
  private final FakeSource source = new FakeSource();

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  private ActorRef<ContainerPool.Command> pool() {
    return pool("10s");
  }

  /**
   * A pool of 512 MB that evicts idle containers at once and heartbeats every {@code
   * heartbeatInterval}.
   */
  private ActorRef<ContainerPool.Command> pool(String heartbeatInterval) {
    InvokerConfig config =
        InvokerConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.kafka.bootstrap-servers", "unused:9092",
                    "kwhisk.invoker.id", "4",
                    "kwhisk.invoker.user-memory-mb", "512",
                    "kwhisk.invoker.heartbeat-interval", heartbeatInterval,
                    "kwhisk.invoker.eviction-grace", "0",
                    "kwhisk.invoker.first-pull-grace", "30s")));
    ProxyDeps deps =
        new ProxyDeps(
            config.proxySettings(),
            runtime,
            container,
            source,
            publisher,
            new LogCollectors(
                LogSource.STREAM,
                runtime,
                Duration.ofSeconds(2),
                InvokerMetrics.discarding(),
                "test-logs"),
            InvokerMetrics.discarding(),
            Clock.systemUTC());
    return testKit.spawn(ContainerPool.create(config.poolSettings(), deps));
  }

  /**
   * Runs one activation in the container that opened the source last, and waits until it is
   * acknowledged.
   */
  private void runOneActivation(String activationId) throws InterruptedException {
    ActivationMessage m =
        new ActivationMessage(
            activationId,
            "tx",
            "guest",
            "first",
            "r1",
            "guest",
            Json.object(),
            true,
            3,
            System.currentTimeMillis());
    Delivery d = new Delivery(0, "act.guest.first", 0, 0, 1, m);
    await().until(() -> source.opened);
    source.deliver(d);
    FakeContainer.PendingRun run = container.runs.poll(5, TimeUnit.SECONDS);
    assertThat(run).as("the activation reached the container").isNotNull();
    run.answer().complete(new CallOutcome.Answered(200, Json.object()));
    await().until(() -> publisher.pending.size() == 1);
    publisher.pending.get(0).written().complete(null);
    await().until(() -> source.acknowledged.contains(d));
  }

  private static ContainerCreation creation(String name, int memory) {
    Action action =
        new Action(
            "guest",
            name,
            "r1",
            null,
            new Exec("nodejs:20", "x", null, false, null),
            null,
            null,
            new ActionLimits(1000, memory, 10, 1),
            0,
            false,
            0);
    return new ContainerCreation("c-" + name, action, 0, 0);
  }

  @Test
  void aCreationBeyondTheFreeUserMemoryWithNothingToEvictIsRefusedAndTheHeartbeatShowsIt() {
    ActorRef<ContainerPool.Command> pool = pool();
    pool.tell(new ContainerPool.Received(creation("big", 384)));
    await()
        .until(
            () ->
                runtime.started.size() == 1
                    && publisher.lastHeartbeat().containersByAction().equals(Map.of("guest/big", 1))
                    && publisher.lastHeartbeat().creationsInFlight() == 0);
    assertThat(publisher.lastHeartbeat().freeMemoryMb()).isEqualTo(128);
    assertThat(publisher.lastHeartbeat().invokerId()).isEqualTo(4);

    int beats = publisher.heartbeats.size();
    pool.tell(new ContainerPool.Received(creation("big", 256)));
    await().until(() -> publisher.heartbeats.size() > beats);
    assertThat(runtime.started)
        .as("an idle container of the same action is not evicted for it")
        .hasSize(1);
    assertThat(runtime.removed).isEmpty();
    assertThat(publisher.lastHeartbeat().freeMemoryMb()).isEqualTo(128);
    assertThat(publisher.lastHeartbeat().idleMemoryMb())
        .as("it waits for its first activation")
        .isZero();
    assertThat(publisher.lastHeartbeat().containersByAction()).isEqualTo(Map.of("guest/big", 1));
    assertThat(publisher.lastHeartbeat().refusedCreations())
        .as("the controller learns of the refusal")
        .containsExactly("c-big");
  }

  @Test
  void aCreationThatDoesNotFitEvictsAnIdleContainerOfAnotherActionAndStartsWhenItIsGone()
      throws Exception {
    ActorRef<ContainerPool.Command> pool = pool("50ms");
    pool.tell(new ContainerPool.Received(creation("first", 384)));
    runOneActivation("a1");
    await().until(() -> publisher.lastHeartbeat().idleMemoryMb() == 384);
    pool.tell(new ContainerPool.Received(creation("second", 256)));
    await()
        .until(
            () ->
                runtime.started.size() == 2
                    && publisher
                        .lastHeartbeat()
                        .containersByAction()
                        .equals(Map.of("guest/second", 1)));
    assertThat(runtime.removed).containsExactly("id-" + runtime.started.get(0).name());
    assertThat(runtime.started.get(1).labels()).containsEntry("io.kwhisk.action", "guest/second");
  }

  @Test
  void aContainerWaitingForItsFirstActivationIsNotEvictedForAnotherActionsCreation() {
    ActorRef<ContainerPool.Command> pool = pool("50ms");
    pool.tell(new ContainerPool.Received(creation("first", 384)));
    await().until(() -> source.opened && publisher.lastHeartbeat().creationsInFlight() == 0);
    int beats = publisher.heartbeats.size();
    await().until(() -> publisher.heartbeats.size() > beats + 2);
    assertThat(publisher.lastHeartbeat().idleMemoryMb())
        .as("not offered to the controller as idle")
        .isZero();

    pool.tell(new ContainerPool.Received(creation("second", 256)));
    await().until(() -> publisher.lastHeartbeat().refusedCreations().contains("c-second"));
    assertThat(runtime.removed)
        .as("the new container still waits for the activation it was made for")
        .isEmpty();
    assertThat(runtime.started).hasSize(1);
  }

  @Test
  void aContainersFirstFinishedActivationIsHeartbeatAtOnceAsIdleMemory() throws Exception {
    ActorRef<ContainerPool.Command> pool = pool(); // heartbeats every 10 s
    pool.tell(new ContainerPool.Received(creation("first", 384)));
    runOneActivation("a1");
    await()
        .atMost(Duration.ofSeconds(3))
        .until(() -> publisher.lastHeartbeat().idleMemoryMb() == 384);
  }

  @Test
  void aDeletionRetiresTheActionsContainersAndFreesTheirMemory() {
    ActorRef<ContainerPool.Command> pool = pool();
    pool.tell(new ContainerPool.Received(creation("gone", 256)));
    await().until(() -> publisher.lastHeartbeat().containersByAction().containsKey("guest/gone"));
    pool.tell(new ContainerPool.Received(new ContainerDeletion("guest", "gone", null)));
    await()
        .until(
            () ->
                runtime.removed.size() == 1
                    && publisher.lastHeartbeat().containers() == 0
                    && publisher.lastHeartbeat().freeMemoryMb() == 512);
  }

  @Test
  void aKeepAliveChangeReachesTheActionsContainersAndAnIdleOnePastItsNewWindowGoes()
      throws Exception {
    ActorRef<ContainerPool.Command> pool = pool();
    pool.tell(new ContainerPool.Received(creation("first", 256)));
    runOneActivation("k1");
    await().until(() -> publisher.lastHeartbeat().containersByAction().containsKey("guest/first"));
    pool.tell(new ContainerPool.Received(new ContainerKeepAlive("guest", "other", 1)));
    pool.tell(new ContainerPool.Received(new ContainerKeepAlive("guest", "first", 1)));
    await().until(() -> runtime.removed.size() == 1 && publisher.lastHeartbeat().containers() == 0);
  }
}
