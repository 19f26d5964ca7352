package io.kwhisk.perf.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArrivalScheduleTest {
  static ReplayPlan plan(int minutes, double speed) {
    return new ReplayPlan(minutes, speed, 1.0, Duration.ofSeconds(30), 256, 1.0 / 16, 0, 42);
  }

  @Test
  void everyMinuteKeepsItsCountAndItsArrivalsFallWithinIt() {
    ArrivalSchedule s = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));

    assertThat(s.arrivals()).hasSize(2 + 1 + 10 + 20 + 30);
    for (int m = 0; m < 3; m++) {
      int minute = m;
      List<Arrival> in = s.arrivals().stream().filter(a -> a.minute() == minute).toList();
      assertThat(in)
          .allSatisfy(
              a ->
                  assertThat(a.offsetNanos())
                      .isBetween(minute * 60_000_000_000L, (minute + 1) * 60_000_000_000L - 1));
    }
    assertThat(s.arrivals().stream().filter(a -> a.minute() == 1).count()).isEqualTo(20);
  }

  @Test
  void arrivalsAreInDueOrderAndTheMostInvokedFunctionComesFirst() {
    ArrivalSchedule s = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));

    assertThat(s.arrivals())
        .isSortedAccordingTo((a, b) -> Long.compare(a.offsetNanos(), b.offsetNanos()));
    assertThat(s.functions())
        .extracting(TraceFunction::hash)
        .containsExactly("fnbbbbbbbbbbbbbb", "fnaaaaaaaaaaaaaa");
    assertThat(s.arrivals().stream().filter(a -> a.function() == 0).count()).isEqualTo(60);
  }

  @Test
  void speedCompressesTheMinutesButNotTheDurations() {
    ArrivalSchedule slow = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));
    ArrivalSchedule fast = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 4));

    assertThat(fast.lengthNanos(plan(3, 4))).isEqualTo(45_000_000_000L);
    assertThat(fast.arrivals())
        .allSatisfy(a -> assertThat(a.offsetNanos()).isLessThan(45_000_000_000L));
    assertThat(fast.arrivals())
        .extracting(Arrival::durationMs)
        .containsExactlyElementsOf(slow.arrivals().stream().map(Arrival::durationMs).toList());
  }

  @Test
  void theSameSeedGivesTheSameScheduleAndAnotherSeedAnother() {
    ArrivalSchedule a = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));
    ArrivalSchedule b = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));
    ArrivalSchedule c =
        ArrivalSchedule.of(
            AzureTraceTest.sample(),
            new ReplayPlan(3, 1, 1.0, Duration.ofSeconds(30), 256, 1.0 / 16, 0, 43));

    assertThat(a.arrivals()).isEqualTo(b.arrivals());
    assertThat(c.arrivals()).isNotEqualTo(a.arrivals());
  }

  @Test
  void durationsComeFromTheFunctionsPercentilesScaledAndCapped() {
    ReplayPlan capped = new ReplayPlan(3, 1, 2.0, Duration.ofMillis(500), 256, 1.0 / 16, 0, 1);
    ArrivalSchedule s = ArrivalSchedule.of(AzureTraceTest.sample(), capped);

    // fnb's execution times lie in [1, 9] ms, fna's in [10, 1000]: doubled, and fna's capped at
    // 500.
    assertThat(s.arrivals().stream().filter(a -> a.function() == 0))
        .allSatisfy(a -> assertThat(a.durationMs()).isBetween(2, 18));
    assertThat(s.arrivals().stream().filter(a -> a.function() == 1))
        .allSatisfy(a -> assertThat(a.durationMs()).isBetween(20, 500));
  }

  @Test
  void memoryIsTheApplicationsMedianScaledAndLeavesTheRuntimeItsShare() {
    ArrivalSchedule s = ArrivalSchedule.of(AzureTraceTest.sample(), plan(3, 1));
    ArrivalSchedule big =
        ArrivalSchedule.of(
            AzureTraceTest.sample(),
            new ReplayPlan(3, 1, 1.0, Duration.ofSeconds(30), 256, 1.0, 0, 42));

    assertThat(s.allocationMb())
        .containsExactly(0, 20); // 320 MB / 16; fnb's application has no memory row
    assertThat(big.allocationMb()).containsExactly(0, 256 - ReplayPlan.NODE_BASELINE_MB);
  }

  @Test
  void topFunctionsKeepsOnlyTheMostInvoked() {
    ArrivalSchedule s =
        ArrivalSchedule.of(
            AzureTraceTest.sample(),
            new ReplayPlan(3, 1, 1.0, Duration.ofSeconds(30), 256, 1.0 / 16, 1, 42));

    assertThat(s.functions()).extracting(TraceFunction::hash).containsExactly("fnbbbbbbbbbbbbbb");
    assertThat(s.arrivals()).hasSize(60);
  }

  @Test
  void minutesBeyondTheTraceAreRejected() {
    assertThatThrownBy(() -> ArrivalSchedule.of(AzureTraceTest.sample(), plan(4, 1)))
        .hasMessageContaining("--minutes 4 is beyond the trace's 3 minutes");
  }

  @Test
  void meanConcurrencyIsBusyTimeOverTheReplaysLength() {
    ReplayPlan p = new ReplayPlan(1, 1, 1.0, Duration.ofSeconds(30), 256, 0, 0, 1);
    AzureTrace one =
        AzureTrace.parse(
            "HashFunction,HashApp,HashOwner,minute_1\nfnx,app,o,6",
            "HashFunction,percentile_Average_0,percentile_Average_100\nfnx,10000,10000",
            "HashApp,AverageAllocatedMb_pct50\napp,100");

    // 6 invocations of 10 s in one minute: one running at a time on average.
    assertThat(ArrivalSchedule.of(one, p).meanConcurrency(p)).isEqualTo(1.0);
  }
}
