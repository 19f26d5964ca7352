package io.kwhisk.perf.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.perf.load.Outcome;
import io.kwhisk.perf.load.Outcome.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TraceResultTest {
  static final Instant AT = Instant.parse("2026-12-03T12:00:00Z");
  static final long MS = 1_000_000;

  static TraceSample ok(int function, int durationMs, long latencyMs, boolean cold) {
    return new TraceSample(function, durationMs, new Outcome(Kind.OK, cold), latencyMs * MS);
  }

  @Test
  void slowdownIsLatencyOverExecutionTime() {
    assertThat(ok(0, 200, 300, false).slowdown()).isEqualTo(1.5);
  }

  @Test
  void rowsSumUpEachFunctionAndTheWholeReplay() {
    ArrivalSchedule schedule =
        ArrivalSchedule.of(AzureTraceTest.sample(), ArrivalScheduleTest.plan(3, 1));
    List<TraceSample> samples = new ArrayList<>();
    // function 0: 100 invocations of 100 ms, slowdowns 1.01 .. 2.00, the first cold
    for (int i = 1; i <= 100; i++) samples.add(ok(0, 100, 100 + i, i == 1));
    // function 1: one OK cold with slowdown 10, one 429, one error, one 202
    samples.add(ok(1, 10, 100, true));
    samples.add(new TraceSample(1, 10, new Outcome(Kind.THROTTLED, false), MS));
    samples.add(new TraceSample(1, 10, Outcome.FAILED, MS));
    samples.add(new TraceSample(1, 10, new Outcome(Kind.ACCEPTED, false), MS));
    MemoryTime memory = new MemoryTime();
    String fn0 = schedule.functions().get(0).shortName();
    memory.observe(
        0,
        Map.of("c1", new MemoryTime.Container(fn0, 1024), "p", new MemoryTime.Container("", 512)));
    memory.observe(2_000_000_000L, Map.of());

    List<TraceResult> rows =
        TraceResult.summarise(
            "kwhisk", schedule, samples, memory, ArrivalScheduleTest.plan(3, 1), AT);

    assertThat(rows)
        .extracting(TraceResult::function)
        .containsExactly(TraceResult.ALL, fn0, schedule.functions().get(1).shortName());
    TraceResult all = rows.get(0);
    assertThat(all.invocations()).isEqualTo(104);
    assertThat(all.ok()).isEqualTo(101);
    assertThat(all.coldStarts()).isEqualTo(2);
    assertThat(all.coldFraction()).isCloseTo(2.0 / 101, within(1e-12));
    assertThat(all.throttled()).isEqualTo(1);
    assertThat(all.errors()).isEqualTo(1);
    assertThat(all.accepted()).isEqualTo(1);
    assertThat(all.slowdownP99()).isEqualTo(2.0);
    assertThat(all.memoryGbSeconds()).isCloseTo(3.0, within(1e-9)); // (1 GB + 0.5 GB) x 2 s
    TraceResult f0 = rows.get(1);
    assertThat(f0.rank()).isEqualTo(1);
    assertThat(f0.slowdownP50()).isCloseTo(1.5, within(1e-9));
    assertThat(f0.slowdownP99()).isCloseTo(1.99, within(1e-9));
    assertThat(f0.latencyP50Ms()).isEqualTo(150);
    assertThat(f0.execP50Ms()).isEqualTo(100);
    assertThat(f0.memoryGbSeconds()).isCloseTo(2.0, within(1e-9));
    TraceResult f1 = rows.get(2);
    assertThat(f1.slowdownP99()).isEqualTo(10.0);
    assertThat(f1.coldFraction()).isEqualTo(1.0);
    assertThat(f1.memoryGbSeconds()).isZero();
  }

  @Test
  void aFunctionWithoutASuccessfulActivationReadsNaNNotZero() {
    ArrivalSchedule schedule =
        ArrivalSchedule.of(AzureTraceTest.sample(), ArrivalScheduleTest.plan(3, 1));
    List<TraceSample> samples =
        List.of(new TraceSample(0, 10, new Outcome(Kind.THROTTLED, false), MS));

    TraceResult all =
        TraceResult.summarise(
                "kwhisk",
                schedule,
                samples,
                new MemoryTime(),
                new ReplayPlan(3, 1, 1, Duration.ofSeconds(1), 256, 0, 0, 1),
                AT)
            .get(0);

    assertThat(all.slowdownP99()).isNaN();
    assertThat(all.coldFraction()).isNaN();
    assertThat(all.throttled()).isEqualTo(1);
  }

  @Test
  void percentileIsNearestRank() {
    assertThat(TraceResult.percentile(List.of(3.0, 1.0, 2.0, 4.0), 0.5)).isEqualTo(2.0);
    assertThat(TraceResult.percentile(List.of(3.0, 1.0, 2.0, 4.0), 0.99)).isEqualTo(4.0);
    assertThat(TraceResult.percentile(List.of(7.0), 0.01)).isEqualTo(7.0);
  }
}
