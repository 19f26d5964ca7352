package io.kwhisk.perf.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.perf.load.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BurstResultTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final Outcome COLD = new Outcome(Outcome.Kind.OK, true);
  private static final Outcome WARM = new Outcome(Outcome.Kind.OK, false);

  private static BurstSample sample(Outcome o, long latencyMillis, long startMillis) {
    return new BurstSample(
        o, TimeUnit.MILLISECONDS.toNanos(latencyMillis), OptionalLong.of(startMillis));
  }

  private static BurstResult of(List<BurstSample> samples) {
    return BurstResult.of(
        "kwhisk", samples.size(), 0, T0, TimeUnit.SECONDS.toNanos(4), samples, Instant.EPOCH);
  }

  @Test
  void creationRateIsColdStartsOverTheTimeFromTheBurstStartToTheLastColdStart() {
    BurstResult r =
        of(
            List.of(
                sample(COLD, 900, T0 + 500),
                sample(COLD, 1500, T0 + 1000),
                sample(COLD, 2600, T0 + 2000),
                sample(WARM, 3000, T0 + 2900)));

    assertThat(r.coldStarts()).isEqualTo(3);
    assertThat(r.creationSeconds())
        .as("the warm activation's later start does not count")
        .isEqualTo(2.0);
    assertThat(r.creationsPerSecond()).isEqualTo(1.5);
    assertThat(r.wallSeconds()).isEqualTo(4.0);
  }

  @Test
  void burstCountsEveryColdStartOnceWhateverItsOutcome() {
    BurstResult r =
        of(
            List.of(
                sample(COLD, 100, T0 + 50),
                sample(new Outcome(Outcome.Kind.ERROR, true), 100, T0 + 100),
                sample(WARM, 10, T0 + 10),
                new BurstSample(Outcome.FAILED, 70_000, OptionalLong.empty())));

    assertThat(r.coldStarts()).isEqualTo(2);
    assertThat(r.creationsPerSecond()).isEqualTo(20.0);
    assertThat(r.ok()).isEqualTo(2);
    assertThat(r.errors()).isEqualTo(2);
  }

  @Test
  void aBurstWithoutColdStartsCreatedNothing() {
    BurstResult r =
        of(
            List.of(
                sample(WARM, 5, T0 + 1),
                new BurstSample(
                    new Outcome(Outcome.Kind.THROTTLED, false), 1, OptionalLong.empty()),
                new BurstSample(
                    new Outcome(Outcome.Kind.ACCEPTED, false), 60_000, OptionalLong.empty())));

    assertThat(r.coldStarts()).isZero();
    assertThat(r.creationsPerSecond()).isZero();
    assertThat(r.creationSeconds()).isZero();
    assertThat(r.throttled()).isEqualTo(1);
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.p99()).as("no cold latency without a cold start").isZero();
  }

  @Test
  void aCreationWindowThatIsNotPositiveMeansTheClocksDisagreeAndGivesNoRate() {
    assertThat(BurstResult.creationRate(5, 0)).isNaN();
    assertThat(BurstResult.creationRate(5, -20)).isNaN();
    assertThat(BurstResult.creationRate(0, -20)).isZero();
    assertThat(BurstResult.creationRate(10, 2500)).isEqualTo(4.0);
    assertThat(of(List.of(sample(COLD, 100, T0 - 30))).creationsPerSecond()).isNaN();
  }

  @Test
  void coldLatencyPercentilesCoverOnlySuccessfulColdActivations() {
    List<BurstSample> samples = new ArrayList<>();
    for (int i = 1; i <= 100; i++) samples.add(sample(COLD, i * 10, T0 + i));
    samples.add(sample(new Outcome(Outcome.Kind.ERROR, true), 50_000, T0 + 1));
    samples.add(sample(WARM, 40_000, T0 + 1));

    BurstResult r = of(samples);

    assertThat(r.p50()).isCloseTo(500, within(1.0));
    assertThat(r.p90()).isCloseTo(900, within(1.0));
    assertThat(r.p99()).isCloseTo(990, within(1.0));
    assertThat(r.max()).isCloseTo(1000, within(1.0));
  }
}
