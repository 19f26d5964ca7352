package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdaptivePrefetchTest {
  private static final Duration BUDGET = Duration.ofMillis(25);

  private static AdaptivePrefetch runs(AdaptivePrefetch p, int n, long ms) {
    for (int i = 0; i < n; i++) p = p.afterRun(ms);
    return p;
  }

  @Test
  void aContainerStartsAtItsConcurrencyAndWaitsForSomeRunsBeforeItChanges() {
    AdaptivePrefetch p = AdaptivePrefetch.of(1, BUDGET);
    assertThat(p.current()).isEqualTo(1);
    assertThat(runs(p, AdaptivePrefetch.SETTLE_RUNS - 1, 1).change()).isEmpty();
    assertThat(runs(p, AdaptivePrefetch.SETTLE_RUNS, 1).change()).hasValue(25);
  }

  @Test
  void aShortActionPullsTheBudgetsWorthUpToTheMaximum() {
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 10, 5).change()).hasValue(5);
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 10, 0).change())
        .as("sub-millisecond runs count as half a millisecond, capped").hasValue(AdaptivePrefetch.MAX);
  }

  @Test
  void aSlowActionKeepsOneRecordPerSlot() {
    assertThat(runs(AdaptivePrefetch.of(1, BUDGET), 20, 100).change()).isEmpty();
    assertThat(runs(AdaptivePrefetch.of(4, BUDGET), 20, 10).change()).as("never below the concurrency").isEmpty();
  }

  @Test
  void smallChangesAreIgnoredAndAContainerWhoseRunsSlowDownGoesBackToItsConcurrency() {
    AdaptivePrefetch fast = runs(AdaptivePrefetch.of(1, BUDGET), 10, 1);
    AdaptivePrefetch pulling25 = fast.changedTo(fast.change().getAsInt());
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS, 1).change()).isEmpty();
    AdaptivePrefetch mixed = pulling25;
    for (int i = 0; i < 70; i++) mixed = mixed.afterRun(1 + i % 2);
    assertThat(mixed.change()).as("runs of 1.5 ms want ~16, not half of 25: no re-join for that").isEmpty();
    assertThat(runs(pulling25, 70, 3).change()).as("25 runs of 3 ms hold 75 ms, over twice the budget").hasValue(8);
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS - 1, 100).change()).as("not settled yet").isEmpty();
    assertThat(runs(pulling25, AdaptivePrefetch.RESETTLE_RUNS, 100).change()).hasValue(1);
  }

  @Test
  void runsHoveringAroundABoundaryDoNotFlipTheSizeBackAndForth() {
    AdaptivePrefetch at12 = runs(AdaptivePrefetch.of(1, BUDGET), 10, 12);
    assertThat(at12.change()).as("25 / 12 ms: two records").hasValue(2);
    AdaptivePrefetch two = at12.changedTo(2);
    assertThat(runs(two, 70, 13).change()).as("two runs of 13 ms are within twice the budget").isEmpty();
    assertThat(runs(two, 70, 20).change()).isEmpty();
    assertThat(runs(two, 70, 30).change()).as("two runs of 30 ms hold 60 ms").hasValue(1);
  }

  @Test
  void aZeroBudgetNeverChangesTheSize() {
    assertThat(runs(AdaptivePrefetch.of(1, Duration.ZERO), 50, 0).change()).isEmpty();
  }
}
