package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler actor of one of several controllers, with fake command and report channels: no
 * Kafka.
 */
@Timeout(20)
class SharedSchedulerTest {
  static final ActorTestKit testKit = ActorTestKit.create();
  static final int P = 16;

  final LinkedBlockingQueue<ContainerCreation> created = new LinkedBlockingQueue<>();
  final LinkedBlockingQueue<DemandReport> reported = new LinkedBlockingQueue<>();
  final AtomicReference<SchedulerView> view = new AtomicReference<>(SchedulerView.EMPTY);
  final SchedulerTest.ManualClock clock = new SchedulerTest.ManualClock();
  final Action single = SchedulingPolicyTest.action("single", 256, 1, 10);
  final Ownership mine = new Ownership(P, Set.of(Ownership.partitionOf("guest/single", P)));

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  ActorRef<Scheduler.Command> spawn(Ownership ownership) {
    Scheduler.Settings settings =
        new Scheduler.Settings(
            4,
            Duration.ofMillis(20),
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ZERO);
    ActorRef<Scheduler.Command> scheduler =
        testKit.spawn(
            Scheduler.create(
                settings,
                (id, c) -> created.add((ContainerCreation) c),
                clock,
                view,
                ownership,
                reported::add));
    scheduler.tell(
        new Scheduler.HeartbeatReceived(
            new InvokerHeartbeat(2, 4096, 4096, 0, Map.of(), 0, clock.millis()), false));
    return scheduler;
  }

  @Test
  void aControllerThatDoesNotOwnAColdActionCreatesNothingAndTellsTheOwnerAtOnce() throws Exception {
    ActorRef<Scheduler.Command> scheduler = spawn(Ownership.none(P));
    scheduler.tell(new Scheduler.Submitted("a1", single));
    DemandReport nudge = reported.poll(5, TimeUnit.SECONDS);
    assertThat(nudge).isEqualTo(new DemandReport(4, single, 1, clock.millis()));
    scheduler.tell(new Scheduler.Submitted("a2", single));
    assertThat(created.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void theOwnerCreatesForTheReportedBacklogAsWellAsItsOwn() throws Exception {
    ActorRef<Scheduler.Command> scheduler = spawn(mine);
    scheduler.tell(new Scheduler.DemandReported(new DemandReport(1, single, 3, clock.millis())));
    assertThat(created.poll(5, TimeUnit.SECONDS))
        .as("the first container, for a backlog of others")
        .isNotNull();
    scheduler.tell(new Scheduler.Submitted("a1", single));
    for (int i = 0; i < 3; i++) {
      assertThat(created.poll(5, TimeUnit.SECONDS))
          .as("scale-up to 4 activations of concurrency 1")
          .isNotNull();
    }
    assertThat(created.poll(300, TimeUnit.MILLISECONDS)).isNull();
    assertThat(reported).as("it owns the action: no report").isEmpty();
  }

  @Test
  void aControllerThatComesToOwnAnActionCreatesForItsOutstandingActivations() throws Exception {
    ActorRef<Scheduler.Command> scheduler = spawn(Ownership.none(P));
    scheduler.tell(new Scheduler.Submitted("a1", single));
    assertThat(reported.poll(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(created.poll(300, TimeUnit.MILLISECONDS)).isNull();
    scheduler.tell(new Scheduler.OwnershipChanged(mine));
    assertThat(created.poll(5, TimeUnit.SECONDS)).isNotNull();
  }
}
