package io.kwhisk.invoker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PoolStateTest {
  private static final long GRACE = 100;
  private static final long FIRST_PULL_GRACE = 30_000;

  private static PoolState empty(long capacityMb) {
    return PoolState.empty(capacityMb, GRACE, FIRST_PULL_GRACE);
  }

  /** The container came up and ran one activation, which finished at {@code at}. */
  private static PoolState used(PoolState s, String name, long at) {
    return s.ready(name, at).busy(name).idle(name, at);
  }

  private static ContainerCreation creation(String name, String revision, int memory) {
    Action action =
        new Action(
            "guest",
            name,
            revision,
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

  private static PoolState admit(PoolState s, String name, ContainerCreation c) {
    PoolState.Plan plan = s.plan(name, c, 0);
    assertThat(plan.outcome()).isEqualTo(PoolState.Outcome.ADMITTED);
    return plan.state();
  }

  /** Two 256 MB containers of actions a and b in 512 MB, both used, idle since 1000 and 2000. */
  private static PoolState fullOfIdleContainers() {
    PoolState s = admit(empty(512), "pa", creation("a", "r1", 256));
    s = admit(s, "pb", creation("b", "r1", 256));
    return used(used(s, "pa", 1000), "pb", 2000);
  }

  @Test
  void aCreationReservesItsMemoryUntilTheContainerIsRemoved() {
    PoolState s = admit(empty(1024), "p1", creation("a", "r1", 256));
    assertThat(s.freeMb()).isEqualTo(768);
    assertThat(s.removed("p1").freeMb()).isEqualTo(1024);
  }

  @Test
  void aCreationThatDoesNotFitAndFindsNothingIdleIsRefused() {
    PoolState s = admit(empty(512), "p1", creation("a", "r1", 512));
    assertThat(s.plan("p2", creation("b", "r1", 128), 10_000).outcome())
        .as("still initialising")
        .isEqualTo(PoolState.Outcome.REFUSED);
    PoolState busy = s.ready("p1", 0).busy("p1");
    assertThat(busy.plan("p2", creation("b", "r1", 128), 10_000).outcome())
        .as("running")
        .isEqualTo(PoolState.Outcome.REFUSED);
  }

  @Test
  void aCreationThatDoesNotFitEvictsTheLeastRecentlyUsedIdleContainerOfAnotherAction() {
    PoolState.Plan plan = fullOfIdleContainers().plan("pc", creation("c", "r1", 256), 10_000);
    assertThat(plan.outcome()).isEqualTo(PoolState.Outcome.WAITING);
    assertThat(plan.victims()).containsExactly("pa");
    assertThat(plan.state().slots()).doesNotContainKey("pc");
    assertThat(plan.state().slots().get("pa").evicting()).isTrue();
    assertThat(plan.state().idleMb(10_000)).as("pb stays idle and evictable").isEqualTo(256);
  }

  @Test
  void aWaitingCreationStartsWhenItsVictimIsGone() {
    PoolState waiting = fullOfIdleContainers().plan("pc", creation("c", "r1", 256), 10_000).state();
    var nothingYet = waiting.admitWaiting();
    assertThat(nothingYet.getValue()).isEmpty();

    var admitted = waiting.removed("pa").admitWaiting();
    assertThat(admitted.getValue()).extracting(PoolState.Waiting::name).containsExactly("pc");
    assertThat(admitted.getKey().slots()).containsOnlyKeys("pb", "pc");
    assertThat(admitted.getKey().waiting()).isEmpty();
    assertThat(admitted.getKey().freeMb()).isZero();
  }

  @Test
  void aLargeCreationEvictsSeveralIdleContainersOldestFirst() {
    PoolState s = admit(empty(768), "pa", creation("a", "r1", 256));
    s = admit(s, "pb", creation("b", "r1", 256));
    s = admit(s, "pc", creation("c", "r1", 256));
    s = used(used(used(s, "pa", 3000), "pb", 1000), "pc", 2000);
    PoolState.Plan plan = s.plan("pd", creation("d", "r1", 512), 10_000);
    assertThat(plan.victims()).containsExactly("pb", "pc");
  }

  @Test
  void containersIdleForLessThanTheGraceAndThoseOfTheSameActionAreNotEvicted() {
    PoolState s = fullOfIdleContainers();
    assertThat(s.plan("pc", creation("c", "r1", 256), 1050).outcome())
        .as("pa idle for 50 ms only")
        .isEqualTo(PoolState.Outcome.REFUSED);
    PoolState.Plan sameAction = s.plan("pa2", creation("a", "r1", 512), 10_000);
    assertThat(sameAction.outcome()).isEqualTo(PoolState.Outcome.REFUSED);
    PoolState.Plan otherRevision = s.plan("pa2", creation("a", "r2", 256), 10_000);
    assertThat(otherRevision.victims()).containsExactly("pa");
  }

  @Test
  void theHeartbeatCountsEachActionsContainersNotReadyYetAsStarting() {
    PoolState s = admit(empty(1024), "pa1", creation("a", "r1", 256));
    s = admit(s, "pa2", creation("a", "r1", 256));
    s = admit(s, "pb", creation("b", "r1", 256)).ready("pa1", 1000).ready("pb", 1000);
    InvokerHeartbeat hb = s.heartbeat(0, 1000);
    assertThat(hb.containersByAction()).containsEntry("guest/a", 2).containsEntry("guest/b", 1);
    assertThat(hb.startingByAction()).isEqualTo(Map.of("guest/a", 1));
  }

  @Test
  void aNewContainerIsNeitherEvictedNorReportedIdleBeforeItsFirstActivationFinished() {
    PoolState s = admit(empty(512), "pa", creation("a", "r1", 512)).ready("pa", 1000);
    assertThat(s.plan("pb", creation("b", "r1", 256), 1000 + GRACE + 500).outcome())
        .as("ready for 600 ms, still joining its share group")
        .isEqualTo(PoolState.Outcome.REFUSED);
    assertThat(s.heartbeat(0, 1000 + GRACE + 500).idleMemoryMb()).isZero();

    PoolState ran = s.busy("pa").idle("pa", 1700);
    assertThat(ran.heartbeat(0, 1700 + GRACE).idleMemoryMb()).isEqualTo(512);
    assertThat(ran.plan("pb", creation("b", "r1", 256), 1700 + GRACE).victims())
        .containsExactly("pa");
  }

  @Test
  void idleMemoryInsideTheEvictionGraceIsNotReported() {
    PoolState s = fullOfIdleContainers(); // idle since 1000 and 2000
    assertThat(s.heartbeat(0, 2000 + GRACE - 1).idleMemoryMb())
        .as("only pa is past the grace")
        .isEqualTo(256);
    assertThat(s.heartbeat(0, 2000 + GRACE).idleMemoryMb()).isEqualTo(512);
  }

  @Test
  void aNewContainerThatGetsNoActivationBecomesEvictableAfterTheFirstPullGrace() {
    PoolState s = admit(empty(512), "pa", creation("a", "r1", 512)).ready("pa", 1000);
    assertThat(s.plan("pb", creation("b", "r1", 256), 1000 + FIRST_PULL_GRACE - 1).outcome())
        .isEqualTo(PoolState.Outcome.REFUSED);
    assertThat(s.heartbeat(0, 1000 + FIRST_PULL_GRACE).idleMemoryMb()).isEqualTo(512);
    assertThat(s.plan("pb", creation("b", "r1", 256), 1000 + FIRST_PULL_GRACE).victims())
        .containsExactly("pa");
  }

  @Test
  void aContainerThatBecameBusyIsNoLongerEvictableAndIdleAgainLater() {
    PoolState s = fullOfIdleContainers().busy("pa");
    assertThat(s.plan("pc", creation("c", "r1", 256), 10_000).victims()).containsExactly("pb");
    PoolState again = s.idle("pa", 5000);
    assertThat(again.slots().get("pa").idleSinceMs()).isEqualTo(5000);
    assertThat(again.plan("pc", creation("c", "r1", 256), 10_000).victims()).containsExactly("pb");
  }

  @Test
  void memoryPromisedToAWaitingCreationIsNotGivenToALaterOne() {
    PoolState waiting = fullOfIdleContainers().plan("pc", creation("c", "r1", 256), 10_000).state();
    PoolState.Plan second = waiting.plan("pd", creation("d", "r1", 256), 10_000);
    assertThat(second.outcome()).isEqualTo(PoolState.Outcome.WAITING);
    assertThat(second.victims()).containsExactly("pb");
    assertThat(second.state().plan("pe", creation("e", "r1", 128), 10_000).outcome())
        .isEqualTo(PoolState.Outcome.REFUSED);

    var first = second.state().removed("pb").admitWaiting();
    assertThat(first.getValue())
        .extracting(PoolState.Waiting::name)
        .as("first come, first served")
        .containsExactly("pc");
    var then = first.getKey().removed("pa").admitWaiting();
    assertThat(then.getValue()).extracting(PoolState.Waiting::name).containsExactly("pd");
  }

  @Test
  void theHeartbeatCountsContainersPerActionCreationsInFlightAndIdleMemory() {
    PoolState s = admit(empty(2048), "p1", creation("a", "r1", 256));
    s = admit(s, "p2", creation("a", "r1", 256));
    s = admit(s, "p3", creation("b", "r1", 128));
    s = used(s, "p1", 0).ready("p3", 0).busy("p3");
    InvokerHeartbeat hb = s.heartbeat(3, 1042);
    assertThat(hb.invokerId()).isEqualTo(3);
    assertThat(hb.userMemoryMb()).isEqualTo(2048);
    assertThat(hb.freeMemoryMb()).isEqualTo(2048 - 640);
    assertThat(hb.containers()).isEqualTo(3);
    assertThat(hb.containersByAction()).isEqualTo(Map.of("guest/a", 2, "guest/b", 1));
    assertThat(hb.creationsInFlight()).isEqualTo(1);
    assertThat(hb.idleMemoryMb())
        .as("only p1 is initialised with nothing in flight")
        .isEqualTo(256);
    assertThat(hb.timestamp()).isEqualTo(1042);
  }

  @Test
  void theHeartbeatOfAPoolWithAWaitingCreationPromisesNothingTwice() {
    PoolState waiting = fullOfIdleContainers().plan("pc", creation("c", "r1", 256), 10_000).state();
    InvokerHeartbeat hb = waiting.heartbeat(0, 10_000);
    assertThat(hb.freeMemoryMb()).isZero();
    assertThat(hb.idleMemoryMb()).isEqualTo(256);
    assertThat(hb.creationsInFlight()).isEqualTo(1);
    assertThat(hb.pendingCreations())
        .as("named, so the controller stops counting it")
        .containsExactly("c-c");
  }

  @Test
  void droppingWaitingCreationsReturnsThem() {
    PoolState waiting = fullOfIdleContainers().plan("pc", creation("c", "r1", 256), 10_000).state();
    var dropped = waiting.dropWaiting();
    assertThat(dropped.getValue()).extracting(PoolState.Waiting::name).isEqualTo(List.of("pc"));
    assertThat(dropped.getKey().waiting()).isEmpty();
  }

  @Test
  void aDeletionRetiresEveryContainerOfTheActionOrOnlyThoseOfOtherRevisions() {
    PoolState s = admit(empty(2048), "p1", creation("a", "r1", 256));
    s = admit(s, "p2", creation("a", "r2", 256));
    s = admit(s, "p3", creation("b", "r1", 256));
    assertThat(s.retiredBy(new ContainerDeletion("guest", "a", null)))
        .containsExactlyInAnyOrder("p1", "p2");
    assertThat(s.retiredBy(new ContainerDeletion("guest", "a", "r2"))).containsExactly("p1");
  }

  @Test
  void aScaleInRetiresAsManyReadyContainersOfTheActionAsAskedIdleOnesFirstThenTheNewest() {
    PoolState s = admit(empty(4096), "p1", creation("a", "r1", 256));
    s = admit(s, "p2", creation("a", "r1", 256));
    s = admit(s, "p3", creation("a", "r1", 256));
    s = admit(s, "p4", creation("a", "r1", 256));
    s = admit(s, "p5", creation("b", "r1", 256));
    s = used(s, "p1", 10).busy("p1");
    s = used(s, "p2", 10);
    s = used(s, "p3", 10).busy("p3");
    s = used(s, "p5", 10);
    // p4 is still starting: never retired by a scale-in.
    assertThat(s.retiredBy(ContainerDeletion.surplus("guest", "a", 2))).containsExactly("p2", "p3");
    assertThat(s.retiredBy(ContainerDeletion.surplus("guest", "a", 9)))
        .containsExactly("p2", "p3", "p1");
  }
}
