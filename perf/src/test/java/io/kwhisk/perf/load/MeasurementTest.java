package io.kwhisk.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MeasurementTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Outcome OK = new Outcome(Outcome.Kind.OK, false);

  @Test
  void requestsBelongToThePhaseTheyWereMeantToStartInHoweverLongTheyTake() {
    Measurement m = new Measurement(1000 * MS, 2000 * MS);
    m.record(999 * MS, 1500 * MS, OK);
    m.record(1000 * MS, 1001 * MS, OK);
    m.record(1999 * MS, 2500 * MS, OK);

    assertThat(m.warmup().snapshot().ok()).isEqualTo(1);
    assertThat(m.measured().snapshot().ok()).isEqualTo(2);
    assertThat(m.running(1999 * MS)).isTrue();
    assertThat(m.running(2000 * MS)).isFalse();
  }

  @Test
  void onlySuccessfulActivationsAreTimedButEveryOutcomeIsCounted() {
    Tally t = new Tally();
    t.record(OK, 10 * MS);
    t.record(new Outcome(Outcome.Kind.ERROR, true), 5000 * MS);
    t.record(new Outcome(Outcome.Kind.THROTTLED, false), 1 * MS);
    t.record(new Outcome(Outcome.Kind.ACCEPTED, false), 60_000 * MS);

    Tally.Snapshot s = t.snapshot();
    assertThat(s.latencyMicros().getTotalCount()).isEqualTo(1);
    assertThat(s.percentileMillis(100)).isCloseTo(10, within(0.02));
    assertThat(s.ok()).isEqualTo(1);
    assertThat(s.errors()).isEqualTo(1);
    assertThat(s.throttled()).isEqualTo(1);
    assertThat(s.accepted()).isEqualTo(1);
    assertThat(s.coldStarts()).isEqualTo(1);
  }

  @Test
  void snapshotsAccumulateEverythingRecordedSoFar() {
    Tally t = new Tally();
    t.record(OK, 1 * MS);
    assertThat(t.snapshot().latencyMicros().getTotalCount()).isEqualTo(1);
    t.record(OK, 2 * MS);
    assertThat(t.snapshot().latencyMicros().getTotalCount()).isEqualTo(2);
  }

  @Test
  void resultReportsSuccessfulActivationsPerSecondOfTheWindowAndPercentilesInMillis() {
    Tally t = new Tally();
    for (int i = 1; i <= 1000; i++) t.record(OK, i * MS);
    Scenario s = Scenario.closedLoop("kwhisk", 10, 5, Duration.ZERO, Duration.ofSeconds(4));

    ScenarioResult r = ScenarioResult.of(s, t.snapshot(), 4.0, Instant.EPOCH);

    assertThat(r.tps()).isEqualTo(250.0);
    assertThat(r.p50()).isCloseTo(500, within(1.0));
    assertThat(r.p90()).isCloseTo(900, within(1.0));
    assertThat(r.p99()).isCloseTo(990, within(1.0));
    assertThat(r.p999()).isCloseTo(999, within(1.0));
    assertThat(r.users()).isEqualTo(5);
    assertThat(r.rate()).isZero();
  }

  @Test
  void anEmptyWindowReportsZeroLatencyRatherThanFailing() {
    ScenarioResult r =
        ScenarioResult.of(
            Scenario.openLoop("x", 1, 10, Duration.ZERO, Duration.ofSeconds(1)),
            new Tally().snapshot(),
            1.0,
            Instant.EPOCH);
    assertThat(r.tps()).isZero();
    assertThat(r.p99()).isZero();
  }
}
