package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.keepalive.Policies;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler actor with a fake command channel and a hand-driven clock: no Kafka. */
@Timeout(20)
class SchedulerTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  record Sent(int invokerId, InvokerCommand command) {}

  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    final AtomicLong now = new AtomicLong(1_000_000);

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  }

  final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
  final AtomicReference<SchedulerView> view = new AtomicReference<>(SchedulerView.EMPTY);
  final ManualClock clock = new ManualClock();

  /**
   * Ten activations at once per container: a second activation fits the container being created.
   */
  final Action action = SchedulingPolicyTest.action("hello", 256, 10, 10);

  ActorRef<Scheduler.Command> scheduler;

  @BeforeEach
  void spawn() {
    Scheduler.Settings settings =
        new Scheduler.Settings(
            4,
            Duration.ofMillis(20),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ZERO);
    scheduler =
        testKit.spawn(
            Scheduler.create(settings, (id, c) -> sent.add(new Sent(id, c)), clock, view));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  InvokerHeartbeat heartbeat(int id, Map<String, Integer> containers) {
    return new InvokerHeartbeat(id, 4096, 4096, 0, containers, 0, clock.millis());
  }

  @Test
  void withTheHybridPolicyAPatternedActionsContainersAreReleasedAndOneIsPrewarmedBeforeItsNextCall()
      throws Exception {
    Scheduler.Settings settings =
        new Scheduler.Settings(
            5,
            Duration.ofMillis(20),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ZERO,
            Policies.parse("hybrid:4h:7m"));
    ActorRef<Scheduler.Command> hybrid =
        testKit.spawn(
            Scheduler.create(settings, (id, c) -> sent.add(new Sent(id, c)), clock, view));
    hybrid.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    hybrid.tell(new Scheduler.Submitted("h0", action));
    ContainerCreation first = (ContainerCreation) sent.poll(5, TimeUnit.SECONDS).command();
    assertThat(first.keepAliveMs()).as("no pattern yet: the fallback").isEqualTo(4 * 3_600_000L);
    completed(hybrid, "h0");

    // Called every 30 minutes: after ten idle times the policy pre-warms instead of keeping.
    ContainerKeepAlive release = null;
    for (int i = 1; i <= 11 && release == null; i++) {
      clock.now.addAndGet(30 * 60_000L);
      hybrid.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of("guest/hello", 1)), false));
      hybrid.tell(new Scheduler.Submitted("h" + i, action));
      Sent s = sent.poll(300, TimeUnit.MILLISECONDS);
      if (s != null) release = (ContainerKeepAlive) s.command();
      completed(hybrid, "h" + i);
    }
    assertThat(release).isEqualTo(new ContainerKeepAlive("guest", "hello", KeepAlives.RELEASE_MS));

    // The released container is gone; 26 minutes on nothing is due, at 27 a container is
    // pre-warmed.
    clock.now.addAndGet(26 * 60_000L);
    hybrid.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    clock.now.addAndGet(60_000L);
    hybrid.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    Sent prewarm = sent.poll(5, TimeUnit.SECONDS);
    assertThat(prewarm.invokerId()).isEqualTo(2);
    ContainerCreation c = (ContainerCreation) prewarm.command();
    assertThat(c.action()).isEqualTo(action);
    assertThat(c.keepAliveMs()).as("held until the call is late").isBetween(240_000L, 300_000L);
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).as("one pre-warm per idle period").isNull();
    testKit.stop(hybrid);
  }

  /**
   * Tells {@code scheduler} of the completion and waits until it has handled it (it handles a
   * heartbeat sent after it, which it publishes), before the test moves the clock on.
   */
  private void completed(ActorRef<Scheduler.Command> scheduler, String activationId) {
    scheduler.tell(new Scheduler.Completed(activationId, 100));
    long marker = 4000 + activationId.hashCode() % 50;
    InvokerHeartbeat hb = new InvokerHeartbeat(2, 4096, marker, 0, Map.of(), 0, clock.millis());
    scheduler.tell(new Scheduler.HeartbeatReceived(hb, false));
    // One read of the view: two could see two views, the second published by a tick that took
    // invoker 2 offline (the test moved the clock) before this heartbeat was handled.
    await()
        .until(
            () -> {
              InvokerState invoker = view.get().healthy().get(2);
              return invoker != null && invoker.heartbeat().freeMemoryMb() == marker;
            });
  }

  @Test
  void aColdActionsFirstActivationCreatesOneContainerAndNoMoreWhileItIsInFlight() throws Exception {
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    scheduler.tell(new Scheduler.Submitted("a1", action));
    Sent first = sent.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.invokerId()).isEqualTo(2);
    ContainerCreation creation = (ContainerCreation) first.command();
    assertThat(creation.action()).isEqualTo(action);
    assertThat(creation.controllerId()).isEqualTo(4);

    scheduler.tell(new Scheduler.Submitted("a2", action));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(view.get().containers("guest/hello")).isEqualTo(1);
  }

  @Test
  void activationsBeyondWhatTheContainersCanRunCreateMoreContainers() throws Exception {
    Action single = SchedulingPolicyTest.action("single", 256, 1, 10);
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    scheduler.tell(new Scheduler.Submitted("a1", single));
    scheduler.tell(new Scheduler.Submitted("a2", single));
    assertThat(sent.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(sent.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aHeartbeatShowingTheNewContainerClearsTheCreationInFlight() throws Exception {
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    scheduler.tell(new Scheduler.Submitted("a1", action));
    assertThat(sent.poll(5, TimeUnit.SECONDS)).isNotNull();
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of("guest/hello", 1)), false));
    await().atMost(Duration.ofSeconds(5)).until(() -> view.get().inFlight().isEmpty());
    assertThat(view.get().containers("guest/hello")).isEqualTo(1);
    assertThat(view.get().invokersHosting("guest/hello")).containsExactly(2);
  }

  @Test
  void anInvokerSilentPastTheTimeoutIsOfflineAndGetsNothing() throws Exception {
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    await().atMost(Duration.ofSeconds(5)).until(() -> view.get().hasHealthyInvoker());
    clock.now.addAndGet(6_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> !view.get().hasHealthyInvoker());
    scheduler.tell(new Scheduler.Submitted("a1", action));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aReplayedStaleHeartbeatDoesNotMakeAnInvokerHealthy() throws Exception {
    InvokerHeartbeat old =
        new InvokerHeartbeat(2, 4096, 4096, 0, Map.of(), 0, clock.millis() - 60_000);
    scheduler.tell(new Scheduler.HeartbeatReceived(old, true));
    scheduler.tell(new Scheduler.Submitted("a1", action));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(view.get().hasHealthyInvoker()).isFalse();
  }

  @Test
  void aDeletedActionsQueuedActivationsCreateNoMoreContainers() throws Exception {
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    scheduler.tell(new Scheduler.ActionDeleted("guest/hello"));
    scheduler.tell(new Scheduler.Submitted("a1", action));
    assertThat(sent.poll(5, TimeUnit.SECONDS)).isNotNull();
    scheduler.tell(new Scheduler.ActionDeleted("guest/hello"));
    clock.now.addAndGet(31_000);
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(view.get().inFlight()).isEmpty();
  }

  /** A scheduler like the others of this class whose scale-out is sized by time ({@code wait}). */
  ActorRef<Scheduler.Command> spawnSizingByTime(Duration wait) {
    return testKit.spawn(
        Scheduler.create(
            new Scheduler.Settings(
                4,
                Duration.ofMillis(20),
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                Duration.ofSeconds(60),
                wait),
            (id, c) -> sent.add(new Sent(id, c)),
            clock,
            view));
  }

  @Test
  void aShortActionLearntFromItsCompletionsScalesOutOnlyToWhatRunsItsBacklogWithinTheWait()
      throws Exception {
    ActorRef<Scheduler.Command> timed = spawnSizingByTime(Duration.ofMillis(5));
    Action shortRuns = SchedulingPolicyTest.action("short", 256, 1, 64);
    timed.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of("guest/short", 1)), false));
    timed.tell(new Scheduler.Submitted("learn", shortRuns));
    timed.tell(new Scheduler.Completed("learn", 1));
    for (int i = 0; i < 10; i++) timed.tell(new Scheduler.Submitted("b" + i, shortRuns));
    // 10 runs of 1 ms within 5 ms: two containers, the one there and one more.
    assertThat(sent.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
    testKit.stop(timed);
  }

  @Test
  void aBusyShortActionWithASurplusOfContainersForTenSecondsIsToldToRetireIt() throws Exception {
    ActorRef<Scheduler.Command> timed = spawnSizingByTime(Duration.ofMillis(5));
    Action shortRuns = SchedulingPolicyTest.action("burst", 256, 1, 64);
    Map<String, Integer> eight = Map.of("guest/burst", 8);
    timed.tell(new Scheduler.HeartbeatReceived(heartbeat(2, eight), false));
    timed.tell(new Scheduler.Submitted("learn", shortRuns));
    timed.tell(new Scheduler.Completed("learn", 1));
    for (int i = 0; i < 10; i++) timed.tell(new Scheduler.Submitted("b" + i, shortRuns));
    for (int second = 0; second <= 11; second++) {
      clock.now.addAndGet(1_000);
      timed.tell(new Scheduler.HeartbeatReceived(heartbeat(2, eight), false));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  view.get().healthy().containsKey(2)
                      && view.get().healthy().get(2).lastSeen() == clock.millis());
    }
    // 10 runs of 1 ms within 5 ms need 2 containers: the other 6 go.
    Sent retire = sent.poll(5, TimeUnit.SECONDS);
    assertThat(retire).isNotNull();
    assertThat(retire.command()).isEqualTo(ContainerDeletion.surplus("guest", "burst", 6));
    testKit.stop(timed);
  }

  @Test
  void aCompletedActivationLeavesNoDemandBehind() throws Exception {
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of("guest/hello", 1)), false));
    scheduler.tell(new Scheduler.Submitted("a1", action));
    scheduler.tell(new Scheduler.Completed("a1", 1));
    scheduler.tell(new Scheduler.HeartbeatReceived(heartbeat(2, Map.of()), false));
    assertThat(sent.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }
}
