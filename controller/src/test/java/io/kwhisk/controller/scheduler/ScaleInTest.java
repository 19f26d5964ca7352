package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ContainerDeletion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScaleInTest {
  static final Action A = SchedulingPolicyTest.action("a", 256, 1, 64);
  static final String PATH = "guest/a";

  /** Ten outstanding 1 ms runs with a 5 ms wait need two containers. */
  static Demand busy() {
    return new Demand(A, 10, 0, 1.0);
  }

  static ScaleIn.Decision at(
      Map<String, ScaleIn> before, List<Demand> demands, List<InvokerState> hosts, long now) {
    return ScaleIn.decide(before, demands, hosts, List.of(), 5, now);
  }

  @Test
  void aBusyActionWithMoreThanTwiceTheContainersItNeedsForTenSecondsGivesBackTheSurplus() {
    List<InvokerState> hosts =
        List.of(
            SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 6)),
            SchedulingPolicyTest.invoker(1, 1024, Map.of(PATH, 2)));
    ScaleIn.Decision first = at(Map.of(), List.of(busy()), hosts, 1_000);
    assertThat(first.retirements()).isEmpty();
    assertThat(first.surpluses()).containsKey(PATH);
    ScaleIn.Decision before = first;
    for (long t = 2_000; t < 11_000; t += 1_000) {
      before = at(before.surpluses(), List.of(busy()), hosts, t);
      assertThat(before.retirements()).isEmpty();
    }
    ScaleIn.Decision due = at(before.surpluses(), List.of(busy()), hosts, 11_000);
    // 8 containers, 2 needed: 6 go, from the invoker with the most first, one kept on each.
    assertThat(due.retirements())
        .extracting(ScaleIn.Retirement::invokerId, r -> r.deletion().count())
        .containsExactly(tuple(0, 5), tuple(1, 1));
    assertThat(due.retirements().get(0).deletion())
        .isEqualTo(ContainerDeletion.surplus("guest", "a", 5));
    assertThat(due.surpluses()).isEmpty();
  }

  @Test
  void anActionWithinTwiceItsNeedOrWhoseRunIsUnknownKeepsItsContainers() {
    List<InvokerState> four = List.of(SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 4)));
    assertThat(at(Map.of(), List.of(busy()), four, 0).surpluses()).isEmpty();
    List<InvokerState> eight = List.of(SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 8)));
    assertThat(at(Map.of(), List.of(new Demand(A, 10, 0)), eight, 0).surpluses()).isEmpty();
  }

  @Test
  void oneDecisionWithoutTheSurplusStartsTheCountOver() {
    List<InvokerState> eight = List.of(SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 8)));
    ScaleIn.Decision first = at(Map.of(), List.of(busy()), eight, 0);
    Demand heavy = new Demand(A, 40, 0, 1.0);
    ScaleIn.Decision reset = at(first.surpluses(), List.of(heavy), eight, 1_000);
    assertThat(reset.surpluses()).isEmpty();
    ScaleIn.Decision d = reset;
    for (long t = 2_000; t <= 11_000; t += 1_000) d = at(d.surpluses(), List.of(busy()), eight, t);
    assertThat(d.retirements()).isEmpty();
    assertThat(d.surpluses().get(PATH).since()).isEqualTo(2_000);
  }

  @Test
  void anIdleActionIsTheKeepAlivesBusinessAndAPauseStartsTheCountOver() {
    List<InvokerState> eight = List.of(SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 8)));
    ScaleIn.Decision first = at(Map.of(), List.of(busy()), eight, 0);
    // Nothing outstanding for a moment: the surplus stays, nothing is retired.
    ScaleIn.Decision idle = at(first.surpluses(), List.of(), eight, 1_000);
    assertThat(idle.surpluses()).containsKey(PATH);
    assertThat(at(idle.surpluses(), List.of(), eight, 40_000).retirements()).isEmpty();
    // Busy again after more than the quiet gap: counted from now.
    ScaleIn.Decision again = at(idle.surpluses(), List.of(busy()), eight, 40_000);
    assertThat(again.retirements()).isEmpty();
    assertThat(again.surpluses().get(PATH).since()).isEqualTo(40_000);
  }

  @Test
  void creationsInFlightCountAsContainersButOnlyRunningOnesAreRetired() {
    // 4 running + 4 still in flight (a burst sized before the run time was known), 2 needed.
    List<InvokerState> four = List.of(SchedulingPolicyTest.invoker(0, 1024, Map.of(PATH, 4)));
    List<CreationInFlight> flying = new java.util.ArrayList<>();
    for (int k = 0; k < 4; k++) flying.add(new CreationInFlight("c" + k, 0, PATH, 256, 4 + k, 0));
    ScaleIn.Decision d = ScaleIn.decide(Map.of(), List.of(busy()), four, flying, 5, 0);
    for (long t = 1_000; t <= 10_000; t += 1_000) {
      d = ScaleIn.decide(d.surpluses(), List.of(busy()), four, flying, 5, t);
    }
    assertThat(d.retirements())
        .extracting(ScaleIn.Retirement::invokerId, r -> r.deletion().count())
        .containsExactly(tuple(0, 2));
  }
}
