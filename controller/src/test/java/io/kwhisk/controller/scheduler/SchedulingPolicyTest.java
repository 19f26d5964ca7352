package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SchedulingPolicyTest {
  static Action action(String name, int memory, int concurrency, int instances) {
    return new Action(
        "guest",
        name,
        "rev1",
        null,
        new Exec("nodejs:20", "code", null, false, null),
        null,
        null,
        new ActionLimits(60_000, memory, 10, concurrency),
        instances,
        false,
        0);
  }

  static InvokerState invoker(int id, long freeMb, Map<String, Integer> containers) {
    return new InvokerState(id, new InvokerHeartbeat(id, 4096, freeMb, 0, containers, 0, 0), 0);
  }

  static InvokerState fullOfIdle(int id, long freeMb, long idleMb) {
    return new InvokerState(
        id, new InvokerHeartbeat(id, 4096, freeMb, 0, Map.of(), 0, 0, idleMb), 0);
  }

  @Test
  void aFullInvokerWithIdleContainersOfOtherActionsStillTakesAColdAction() {
    Action a = action("newcomer", 256, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)),
            List.of(fullOfIdle(0, 0, 512), fullOfIdle(1, 128, 0)),
            List.of());
    assertThat(plan).containsExactly(new PlannedCreation(0, a, 0));
  }

  @Test
  void freeMemoryIsPreferredOverEvictingIdleContainers() {
    Action a = action("newcomer", 256, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)),
            List.of(fullOfIdle(0, 0, 2048), fullOfIdle(1, 256, 0)),
            List.of());
    assertThat(plan).containsExactly(new PlannedCreation(1, a, 0));
  }

  @Test
  void aWarmActionNeverEvictsOtherActionsContainersToScaleUp() {
    Action a = action("busy", 256, 1, 10);
    InvokerState full =
        new InvokerState(
            0,
            new InvokerHeartbeat(
                0, 4096, 0, 2, Map.of("guest/busy", 1, "guest/other", 1), 0, 0, 256),
            0);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(List.of(new Demand(a, 10, 0)), List.of(full), List.of());
    assertThat(plan).isEmpty();
  }

  @Test
  void whenOnlyAFewFirstContainersFitTheActionsWaitingLongestGetThem() {
    Action newest = action("newest", 128, 1, 10);
    Action busiest = action("busiest", 128, 1, 10);
    Action oldest = action("oldest", 128, 1, 10);
    Action older = action("older", 128, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(
                new Demand(newest, 1, 4000),
                new Demand(busiest, 5, 3000),
                new Demand(oldest, 1, 1000),
                new Demand(older, 1, 2000)),
            List.of(fullOfIdle(0, 0, 256)),
            List.of());
    assertThat(plan).extracting(PlannedCreation::action).containsExactly(oldest, older);
  }

  @Test
  void actionsWithoutContainersArePlacedBeforeScaleUps() {
    Action warm = action("warm", 128, 1, 10);
    Action cold = action("cold", 128, 1, 10);
    InvokerState oneFree =
        new InvokerState(
            0, new InvokerHeartbeat(0, 4096, 128, 1, Map.of("guest/warm", 1), 0, 0, 0), 0);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(warm, 10, 1000), new Demand(cold, 1, 2000)),
            List.of(oneFree),
            List.of());
    assertThat(plan).extracting(PlannedCreation::action).containsExactly(cold);
  }

  @Test
  void idleMemoryPromisedToACreationNoHeartbeatShowsYetIsNotPromisedAgain() {
    Action first = action("first", 128, 1, 10);
    Action second = action("second", 128, 1, 10);
    CreationInFlight flying = new CreationInFlight("c1", 0, "guest/first", 128, 0, 0);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(first, 1, 0), new Demand(second, 1, 0)),
            List.of(fullOfIdle(0, 0, 128)),
            List.of(flying));
    assertThat(plan).isEmpty();
  }

  @Test
  void aCreationTheHeartbeatNamesAsPendingNoLongerCountsAgainstTheInvoker() {
    Action first = action("first", 128, 1, 10);
    Action second = action("second", 128, 1, 10);
    List<CreationInFlight> flying =
        List.of(new CreationInFlight("c1", 0, "guest/first", 128, 0, 0));
    InvokerHeartbeat evicting =
        new InvokerHeartbeat(0, 4096, 0, 2, Map.of("guest/other", 2), 1, 0, 128)
            .withPendingCreations(List.of("c1"));
    List<CreationInFlight> after = SchedulingPolicy.afterHeartbeat(flying, evicting);
    assertThat(after).as("still in flight").hasSize(1);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(first, 1, 0), new Demand(second, 1, 0)),
            List.of(new InvokerState(0, evicting, 0)),
            after);
    assertThat(plan)
        .as("the 128 MB left idle go to the next action")
        .containsExactly(new PlannedCreation(0, second, 0));
  }

  @Test
  void idleMemoryPlannedForEvictionIsNotPromisedTwice() {
    Action a = action("a", 256, 1, 10);
    Action b = action("b", 256, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 2, 0), new Demand(b, 1, 0)),
            List.of(fullOfIdle(0, 0, 256)),
            List.of());
    assertThat(plan).hasSize(1);
  }

  @Test
  void aRefusedCreationStopsBeingInFlightSoTheNextDecisionPlacesItElsewhere() {
    Action a = action("hello", 256, 1, 10);
    CreationInFlight refused = new CreationInFlight("c1", 0, "guest/hello", 256, 0, 0);
    CreationInFlight other = new CreationInFlight("c2", 0, "guest/hello", 256, 0, 0);
    InvokerHeartbeat full =
        new InvokerHeartbeat(0, 256, 0, 1, Map.of("other/x", 1), 0, 0, 0)
            .withRefusedCreations(List.of("c1"));
    List<CreationInFlight> left = SchedulingPolicy.afterHeartbeat(List.of(refused, other), full);
    assertThat(left).containsExactly(other);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 2, 0)),
            List.of(new InvokerState(0, full, 0), invoker(1, 1024, Map.of())),
            List.of());
    assertThat(plan).extracting(PlannedCreation::invokerId).containsOnly(1);
  }

  @Test
  void coldActionGetsOneContainerOnTheInvokerWithMostFreeMemory() {
    Action a = action("hello", 256, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)),
            List.of(invoker(0, 1000, Map.of()), invoker(1, 3000, Map.of())),
            List.of());
    assertThat(plan).containsExactly(new PlannedCreation(1, a, 0));
  }

  @Test
  void aCreationInFlightPreventsASecondOneForTheSameLoad() {
    Action a = action("hello", 256, 1, 10);
    CreationInFlight flying = new CreationInFlight("c1", 1, "guest/hello", 256, 0, 0);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)), List.of(invoker(1, 3000, Map.of())), List.of(flying));
    assertThat(plan).isEmpty();
  }

  @Test
  void aWarmContainerWithinItsMarginGetsNoCompany() {
    Action a = action("hello", 256, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)),
            List.of(invoker(1, 3000, Map.of("guest/hello", 1))),
            List.of());
    assertThat(plan).isEmpty();
  }

  @Test
  void overloadCreatesEnoughContainersUpToTheInstancesBound() {
    Action a = action("hello", 256, 1, 3);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 10, 0)),
            List.of(invoker(1, 8000, Map.of("guest/hello", 1))),
            List.of());
    assertThat(plan).hasSize(2);
    assertThat(plan).extracting(PlannedCreation::baseline).containsExactly(1, 2);
  }

  static InvokerState starting(int id, long freeMb, int containers, int starting) {
    return new InvokerState(
        id,
        new InvokerHeartbeat(id, 65536, freeMb, containers, Map.of("guest/burst", containers), 0, 0)
            .withStartingByAction(starting == 0 ? Map.of() : Map.of("guest/burst", starting)),
        0);
  }

  @Test
  void aBurstOnAnActionWhoseContainersAreAllStartingAsksForNoMoreUntilOneIsReady() {
    Action a = action("burst", 128, 1, 200);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 200, 0)), List.of(starting(0, 60000, 4, 4)), List.of());
    assertThat(plan).isEmpty();
  }

  @Test
  void creationsInFlightCountAsStartingForTheSlowStart() {
    Action a = action("burst", 128, 1, 200);
    List<CreationInFlight> flying = new ArrayList<>();
    for (int i = 0; i < 3; i++)
      flying.add(new CreationInFlight("c" + i, 0, "guest/burst", 128, 0, 0));
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 200, 0)), List.of(starting(0, 60000, 0, 0)), flying);
    assertThat(plan).as("three asked for, one more may start").hasSize(1);
  }

  @Test
  void eachReadyContainerLetsTwoMoreStartOnceThatExceedsTheMinimum() {
    Action a = action("burst", 128, 1, 200);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 200, 0)), List.of(starting(0, 60000, 6, 1)), List.of());
    assertThat(plan)
        .as("5 ready: at most 5 + 10 in all, 6 there")
        .hasSize(SchedulingPolicy.MAX_CREATIONS_PER_ACTION_PER_TICK);
    assertThat(SchedulingPolicy.slowStartBound(5)).isEqualTo(15);
    assertThat(SchedulingPolicy.slowStartBound(0)).isEqualTo(4);
    assertThat(SchedulingPolicy.slowStartBound(1)).isEqualTo(5);
  }

  @Test
  void containersOfAnInvokerThatDoesNotReportStartingOnesCountAsReady() {
    Action a = action("burst", 128, 1, 200);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 20, 0)), List.of(starting(0, 60000, 4, 0)), List.of());
    assertThat(plan).hasSize(SchedulingPolicy.MAX_CREATIONS_PER_ACTION_PER_TICK);
  }

  @Test
  void creationsSpreadOverInvokersAsFreeMemoryShrinks() {
    Action a = action("hello", 1000, 1, 10);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 6, 0)),
            List.of(invoker(0, 2000, Map.of("guest/hello", 1)), invoker(1, 2500, Map.of())),
            List.of());
    assertThat(plan).extracting(PlannedCreation::invokerId).containsExactly(1, 0, 1, 0);
  }

  @Test
  void noInvokerWithEnoughMemoryMeansNoCreation() {
    Action a = action("big", 2048, 1, 10);
    assertThat(
            SchedulingPolicy.decide(
                List.of(new Demand(a, 1, 0)), List.of(invoker(0, 1024, Map.of())), List.of()))
        .isEmpty();
  }

  @Test
  void memoryOfCreationsInFlightCountsAgainstTheInvoker() {
    Action a = action("a", 512, 1, 10);
    CreationInFlight other = new CreationInFlight("c1", 0, "guest/other", 2048, 0, 0);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 1, 0)),
            List.of(invoker(0, 3000, Map.of()), invoker(1, 2000, Map.of())),
            List.of(other));
    assertThat(plan).extracting(PlannedCreation::invokerId).containsExactly(1);
  }

  @Test
  void concurrencyLetsOneContainerAbsorbSeveralActivations() {
    assertThat(SchedulingPolicy.wanted(10, 1, 10, 64)).isEqualTo(1);
    assertThat(SchedulingPolicy.wanted(16, 1, 10, 64)).isEqualTo(2);
    assertThat(SchedulingPolicy.wanted(0, 0, 1, 64)).isZero();
  }

  @Test
  void aShortActionScalesOutOnlyAsFarAsItsOutstandingActivationsRunWithinTheScaleOutWait() {
    // 10 outstanding 1 ms runs on one container: 10 ms of work, 5 ms allowed -> 2 containers.
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, 1.0, 5)).isEqualTo(2);
    // A run shorter than a millisecond counts as one: the records say whole milliseconds.
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, 0.0, 5)).isEqualTo(2);
    // Already enough containers: never shrinks, never grows.
    assertThat(SchedulingPolicy.wanted(10, 3, 1, 64, 1.0, 5)).isEqualTo(3);
    // Concurrency multiplies what one container runs within the wait.
    assertThat(SchedulingPolicy.wanted(40, 1, 4, 64, 1.0, 5)).isEqualTo(2);
  }

  @Test
  void aShortActionWithMoreOutstandingThanOneContainerRunsKeepsTwoContainers() {
    // 10 outstanding 1 ms runs fit one container within 25 ms, but one container stops running
    // while its feed turns: a second one runs meanwhile.
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, 1.0, 25)).isEqualTo(2);
    assertThat(SchedulingPolicy.needed(10, 1, 1.0, 25)).isEqualTo(2);
    // No more than one container's worth outstanding: one is enough.
    assertThat(SchedulingPolicy.needed(1, 1, 1.0, 25)).isEqualTo(1);
    assertThat(SchedulingPolicy.needed(4, 4, 1.0, 25)).isEqualTo(1);
    // The action's instances bound still caps it.
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 1, 1.0, 25)).isEqualTo(1);
  }

  @Test
  void anActionWhoseRunsTakeLongerThanTheScaleOutWaitGetsAContainerPerOutstandingActivation() {
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, 100.0, 5)).isEqualTo(10);
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 6, 100.0, 5)).isEqualTo(6);
  }

  @Test
  void anActionWhoseRunTimeIsUnknownOrWithNoScaleOutWaitIsSizedByCount() {
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, -1, 5)).isEqualTo(10);
    assertThat(SchedulingPolicy.wanted(10, 1, 1, 64, 1.0, 0)).isEqualTo(10);
  }

  @Test
  void decideSizesAKnownShortActionByTimeAndPlacesOnlyWhatItNeeds() {
    Action a = action("hello", 256, 1, 64);
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(
            List.of(new Demand(a, 10, 0, 1.0)),
            List.of(invoker(0, 4096, Map.of("guest/hello", 1))),
            List.of(),
            5);
    assertThat(plan).hasSize(1);
  }

  @Test
  void aHeartbeatShowingMoreContainersClearsTheCreationInFlight() {
    CreationInFlight first = new CreationInFlight("c1", 1, "guest/hello", 256, 0, 0);
    CreationInFlight second = new CreationInFlight("c2", 1, "guest/hello", 256, 1, 0);
    CreationInFlight elsewhere = new CreationInFlight("c3", 2, "guest/hello", 256, 0, 0);
    InvokerHeartbeat hb = new InvokerHeartbeat(1, 4096, 3000, 1, Map.of("guest/hello", 1), 1, 0);
    assertThat(SchedulingPolicy.afterHeartbeat(List.of(first, second, elsewhere), hb))
        .containsExactly(second, elsewhere);
  }

  @Test
  void creationsExpireAfterTheTimeoutOrWhenTheirInvokerIsOffline() {
    CreationInFlight old = new CreationInFlight("c1", 1, "guest/a", 256, 0, 0);
    CreationInFlight fresh = new CreationInFlight("c2", 1, "guest/a", 256, 1, 25_000);
    CreationInFlight offline = new CreationInFlight("c3", 2, "guest/a", 256, 0, 25_000);
    assertThat(SchedulingPolicy.expire(List.of(old, fresh, offline), 31_000, 30_000, List.of(1)))
        .containsExactly(fresh);
  }
}
