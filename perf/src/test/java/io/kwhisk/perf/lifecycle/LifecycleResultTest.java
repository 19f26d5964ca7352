package io.kwhisk.perf.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.perf.lifecycle.Echo.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LifecycleResultTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final LifecyclePlan PLAN =
      new LifecyclePlan("kwhisk", 4, 250, "perf-life", "abc123", 0);

  @Test
  void startTimesAreTheValidStartsClientLatenciesWithTheirInitTimesBeside() {
    List<StartSample> starts =
        List.of(
            new StartSample(Verdict.VALID, true, 400 * MS, OptionalLong.of(150)),
            new StartSample(Verdict.VALID, true, 600 * MS, OptionalLong.of(250)),
            new StartSample(Verdict.VALID, true, 800 * MS, OptionalLong.of(350)),
            new StartSample(Verdict.ERROR, false, 5 * MS, OptionalLong.empty()));

    LifecycleResult r =
        LifecycleResult.of(PLAN, starts, new LifecycleTally().snapshot(), 0, Instant.EPOCH);

    assertThat(r.startP50()).isCloseTo(600, within(1.0));
    assertThat(r.startMax()).isCloseTo(800, within(1.0));
    assertThat(r.initP50()).isCloseTo(250, within(1.0));
    assertThat(r.initMax()).isCloseTo(350, within(1.0));
    assertThat(r.coldStarts()).isEqualTo(3);
    assertThat(r.errors()).isEqualTo(1);
    assertThat(r.tps()).as("no request phase").isZero();
  }

  @Test
  void requestLatencyAndTpsCoverValidAnswersAndTheCountsCoverEveryAnswer() {
    LifecycleTally t = new LifecycleTally();
    for (int i = 1; i <= 1000; i++) t.record(Verdict.VALID, false, i * MS);
    t.record(Verdict.INVALID, false, 1 * MS);
    t.record(Verdict.INVALID, true, 90_000 * MS);
    t.record(Verdict.ERROR, false, 1 * MS);
    t.record(Verdict.THROTTLED, false, 1 * MS);
    t.record(Verdict.ACCEPTED, false, 60_000 * MS);
    List<StartSample> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++)
      starts.add(new StartSample(Verdict.VALID, true, 500 * MS, OptionalLong.of(100)));
    starts.add(new StartSample(Verdict.INVALID, true, 500 * MS, OptionalLong.of(100)));

    LifecycleResult r = LifecycleResult.of(PLAN, starts, t.snapshot(), 4.0, Instant.EPOCH);

    assertThat(r.tps()).isEqualTo(250.0);
    assertThat(r.p50()).isCloseTo(500, within(1.0));
    assertThat(r.p99()).isCloseTo(990, within(1.0));
    assertThat(r.p999()).as("the slow invalid answer is not timed").isCloseTo(999, within(1.0));
    assertThat(r.valid()).isEqualTo(1003);
    assertThat(r.validationFailures()).isEqualTo(3);
    assertThat(r.errors()).isEqualTo(1);
    assertThat(r.throttled()).isEqualTo(1);
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.requestColdStarts()).isEqualTo(1);
    assertThat(r.coldStarts()).isEqualTo(4);
  }

  @Test
  void badOptionsAreRejectedNamingTheOption() {
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 0, 10, "p", "r", 0))
        .hasMessageContaining("--actions");
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 1001, 10, "p", "r", 0))
        .hasMessageContaining("--actions should be between 1 and 1000");
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 1, 0, "p", "r", 0))
        .hasMessageContaining("--requests");
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 1, 1, "p", "r", -5))
        .hasMessageContaining("--memory");
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 1, 1, "p/q", "r", 0))
        .hasMessageContaining("--prefix");
    assertThatThrownBy(() -> new LifecyclePlan("kwhisk", 1, 1, ".p", "r", 0))
        .hasMessageContaining("--prefix .p does not make valid action names");
  }
}
