package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptivePrefetchTest {
  private static final Duration BUDGET = Duration.ofMillis(25);

  /** "Now" in the tests; sizes changed long enough before it are settled. */
  private static final long T0 = 1_000_000;

  private static AdaptivePrefetch runs(AdaptivePrefetch p, int n, long ms) {
    for (int i = 0; i < n; i++) p = p.afterRun(ms);
    return p;
  }

  @Test
  void aContainerStartsAtItsConcurrencyAndWaitsForSomeRunsBeforeItChanges() {
    AdaptivePrefetch p = AdaptivePrefetch.of(1, BUDGET);
    assertThat(p.current()).isEqualTo(1);
    assertThat(runs(p, AdaptivePrefetch.SETTLE_RUNS - 1, 1).change(T0)).isEmpty();
    assertThat(runs(p, AdaptivePrefetch.SETTLE_RUNS, 1).change(T0)).hasValue(25);
  }

  @Test
  void aShortActionPullsTheBudgetsWorthUpToTheMaximum() {
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 10, 5).change(T0)).hasValue(5);
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 10, 0).change(T0))
        .as("sub-millisecond runs count as half a millisecond, capped")
        .hasValue(AdaptivePrefetch.MAX);
  }

  @Test
  void aSlowActionKeepsOneRecordPerSlot() {
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 20, 100).change(T0)).isEmpty();
    assertThat(runs(AdaptivePrefetch.of(4, BUDGET), 20, 10).change(T0))
        .as("never below the concurrency")
        .isEmpty();
  }

  @Test
  void smallChangesAreIgnoredAndAContainerWhoseRunsSlowDownGoesBackToItsConcurrency() {
    AdaptivePrefetch fast = runs(AdaptivePrefetch.of(1, BUDGET), 10, 1);
    AdaptivePrefetch pulling25 =
        fast.changedTo(fast.change(T0).getAsInt(), T0 - AdaptivePrefetch.RESETTLE_INTERVAL_MS);
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS, 1).change(T0)).isEmpty();
    AdaptivePrefetch mixed = pulling25;
    for (int i = 0; i < 70; i++) mixed = mixed.afterRun(1 + i % 2);
    assertThat(mixed.change(T0))
        .as("runs of 1.5 ms want ~16, not half of 25: no re-join for that")
        .isEmpty();
    assertThat(runs(pulling25, 70, 3).change(T0))
        .as("25 runs of 3 ms hold 75 ms, over twice the budget")
        .hasValue(8);
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS - 1, 6).change(T0))
        .as("not settled yet")
        .isEmpty();
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS, 6).change(T0)).hasValue(4);
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS, 100).change(T0)).hasValue(1);
  }

  @Test
  void runsHoveringAroundABoundaryDoNotFlipTheSizeBackAndForth() {
    AdaptivePrefetch at12 = runs(AdaptivePrefetch.of(1, BUDGET), 10, 12);
    assertThat(at12.change(T0)).as("25 / 12 ms: two records").hasValue(2);
    AdaptivePrefetch two = at12.changedTo(2, T0 - AdaptivePrefetch.RESETTLE_INTERVAL_MS);
    assertThat(runs(two, 70, 13).change(T0))
        .as("two runs of 13 ms are within twice the budget")
        .isEmpty();
    assertThat(runs(two, 70, 20).change(T0)).isEmpty();
    assertThat(runs(two, 70, 30).change(T0)).as("two runs of 30 ms hold 60 ms").hasValue(1);
  }

  @Test
  void aZeroBudgetNeverChangesTheSize() {
    assertThat(runs(AdaptivePrefetch.of(1, Duration.ZERO), 50, 0).change(T0)).isEmpty();
  }

  @Test
  void afterAChangeTheSizeChangesAgainOnlyOnceTheIntervalHasPassed() {
    AdaptivePrefetch fast = runs(AdaptivePrefetch.of(1, BUDGET), 10, 1);
    AdaptivePrefetch pulling25 = runs(fast.changedTo(25, T0), AdaptivePrefetch.RESETTLE_RUNS, 3);
    assertThat(pulling25.change(T0 + AdaptivePrefetch.RESETTLE_INTERVAL_MS - 1))
        .as("75 ms of queued work calls for 8, but the last change was too recent")
        .isEmpty();
    assertThat(pulling25.change(T0 + AdaptivePrefetch.RESETTLE_INTERVAL_MS)).hasValue(8);
  }

  @Test
  void aFewSlowRunsOfABusyHostDoNotShrinkAFastActionsBatch() {
    AdaptivePrefetch fast = runs(AdaptivePrefetch.of(1, BUDGET), 10, 1);
    AdaptivePrefetch pulling25 = runs(fast.changedTo(25, T0), AdaptivePrefetch.SETTLE_RUNS, 1);
    AdaptivePrefetch hiccups = pulling25;
    for (int i = 0; i < 40; i++)
      hiccups = hiccups.afterRun(i % 10 == 0 ? 100 : 1); // one run in ten takes 100 ms
    assertThat(hiccups.change(T0 + 1)).isEmpty();
    assertThat(runs(pulling25, 2, 100).change(T0 + 1)).as("two slow runs in a row").isEmpty();
  }

  @Test
  void aContainerHoldingFarTooMuchWorkShrinksWithoutWaitingForTheInterval() {
    AdaptivePrefetch fast = runs(AdaptivePrefetch.of(1, BUDGET), 10, 1);
    AdaptivePrefetch pulling25 = fast.changedTo(25, T0);
    AdaptivePrefetch slow = runs(pulling25, AdaptivePrefetch.SETTLE_RUNS, 100);
    assertThat(slow.change(T0 + 1)).as("25 runs of ~100 ms queued: 2.5 s of work").hasValue(1);
    assertThat(runs(pulling25, AdaptivePrefetch.SETTLE_RUNS - 1, 100).change(T0 + 1)).isEmpty();
  }
}
