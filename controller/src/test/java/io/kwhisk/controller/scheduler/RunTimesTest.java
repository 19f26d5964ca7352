package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RunTimesTest {
  private static final String A = "guest/a";

  /** The typical run that runs of {@code ms} report: the upper bound of their bucket. */
  private static double bound(long ms) {
    return RunTimes.BOUNDS[RunTimes.bucket(ms)];
  }

  @Test
  void anActionWithNoCompletedRunHasNoTypicalRun() {
    assertThat(new RunTimes().typical(A, 0)).isEqualTo(RunTimes.UNKNOWN);
  }

  @Test
  void theTypicalRunIsTheUpperBoundOfTheBucketOfTheFirstQuarterOfRuns() {
    RunTimes times = new RunTimes();
    times.completed(A, 2, 0);
    times.completed(A, 1, 0);
    times.completed(A, 100, 0);
    times.completed(A, 100, 0);
    assertThat(times.typical(A, 0)).isEqualTo(1.0);
    for (int i = 0; i < 6; i++) times.completed(A, 70, 0);
    assertThat(times.typical(A, 0)).isEqualTo(bound(70)).isBetween(70.0, 88.0);
  }

  @Test
  void runsStretchedByABusyHostLeaveTheTypicalRunNearTheActionsOwn() {
    RunTimes times = new RunTimes();
    for (int i = 0; i < 300; i++) times.completed(A, 1, i * 10L);
    for (int i = 0; i < 600; i++) times.completed(A, 5 + i % 20, 3_000 + i * 10L);
    assertThat(times.typical(A, 9_000)).isEqualTo(1.0);
  }

  @Test
  void runsOlderThanTwoPeriodsNoLongerCount() {
    RunTimes times = new RunTimes();
    for (int i = 0; i < 100; i++) times.completed(A, 1, 0);
    times.completed(A, 30, RunTimes.PERIOD_MS);
    assertThat(times.typical(A, RunTimes.PERIOD_MS)).isEqualTo(1.0);
    times.completed(A, 30, 2 * RunTimes.PERIOD_MS);
    assertThat(times.typical(A, 2 * RunTimes.PERIOD_MS)).isEqualTo(bound(30));
  }

  @Test
  void anActionThatStoppedRunningKeepsItsLastTypicalRun() {
    RunTimes times = new RunTimes();
    times.completed(A, 12, 0);
    assertThat(times.typical(A, 0)).isEqualTo(bound(12));
    assertThat(times.typical(A, 60 * RunTimes.PERIOD_MS)).isEqualTo(bound(12));
  }

  @Test
  void runsThatAreNotRunsAreIgnoredAndAnUpdatedActionStartsOver() {
    RunTimes times = new RunTimes();
    times.completed(A, -1, 0);
    assertThat(times.typical(A, 0)).isEqualTo(RunTimes.UNKNOWN);
    times.completed(A, 3, 0);
    times.forget(A);
    assertThat(times.typical(A, 0)).isEqualTo(RunTimes.UNKNOWN);
  }

  @Test
  void bucketsAreExactUpToSixMillisecondsAndAtMostAQuarterWiderAfter() {
    for (long ms = 0; ms <= 6; ms++) assertThat(RunTimes.BOUNDS[RunTimes.bucket(ms)]).isEqualTo(ms);
    for (long ms = 7; ms < 1_000_000; ms = ms * 3 / 2) {
      long bound = RunTimes.BOUNDS[RunTimes.bucket(ms)];
      assertThat(bound).isGreaterThanOrEqualTo(ms).isLessThanOrEqualTo(Math.round(ms * 1.25) + 1);
    }
  }
}
