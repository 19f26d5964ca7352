package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DrainRateTest {
  static final Duration TAU = Duration.ofSeconds(10);

  @Test
  void theFirstSampleOnlySetsTheBaseline() {
    DrainRate r = DrainRate.UNKNOWN.next(500, 1_000, true, TAU);
    assertThat(r.perSecond()).isZero();
    assertThat(r.count()).isEqualTo(500);
  }

  @Test
  void theFirstBusyIntervalGivesItsRateAndLaterOnesAreSmoothed() {
    DrainRate r = DrainRate.UNKNOWN.next(0, 0, true, TAU).next(20, 1_000, true, TAU);
    assertThat(r.perSecond()).isCloseTo(20, within(1e-9));
    DrainRate next = r.next(20, 2_000, true, TAU);
    double alpha = 1 - Math.exp(-0.1);
    assertThat(next.perSecond()).isCloseTo(20 - alpha * 20, within(1e-9));
  }

  @Test
  void aSteadyRateConvergesToItself() {
    DrainRate r = DrainRate.UNKNOWN.next(0, 0, true, TAU);
    for (int s = 1; s <= 100; s++) r = r.next(s * 7L, s * 1_000L, true, TAU);
    assertThat(r.perSecond()).isCloseTo(7, within(1e-6));
  }

  @Test
  void shortBusyIntervalsAccumulateIntoOneSampleOfAtLeastASecond() {
    DrainRate r = DrainRate.UNKNOWN.next(0, 0, true, TAU);
    DrainRate burst = r.next(5, 200, true, TAU);
    assertThat(burst).as("a 200 ms burst is not yet a sample").isEqualTo(r);
    DrainRate second = burst.next(6, 1_000, true, TAU);
    assertThat(second.perSecond()).isCloseTo(6, within(1e-9));
  }

  @Test
  void idleIntervalsLeaveTheRateAlone() {
    DrainRate r = DrainRate.UNKNOWN.next(0, 0, true, TAU).next(10, 1_000, true, TAU);
    DrainRate idle = r.next(10, 60_000, false, TAU);
    assertThat(idle.perSecond()).isEqualTo(r.perSecond());
    assertThat(idle.at()).isEqualTo(60_000);
  }

  @Test
  void aCounterThatWentBackwardsRebasesInsteadOfGoingNegative() {
    DrainRate r = DrainRate.UNKNOWN.next(0, 0, true, TAU).next(10, 1_000, true, TAU);
    DrainRate rebased = r.next(3, 2_000, true, TAU);
    assertThat(rebased.perSecond()).isEqualTo(r.perSecond());
    assertThat(rebased.count()).isEqualTo(3);
  }
}
