package io.kwhisk.perf.keepalive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.perf.trace.Arrival;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeepAliveSimulationTest {
  private static final long MINUTE_NS = 60_000_000_000L;

  private static List<Arrival> every(int minutes, int count, int durationMs) {
    List<Arrival> arrivals = new ArrayList<>();
    for (int i = 0; i < count; i++)
      arrivals.add(new Arrival(i * minutes * MINUTE_NS, 0, durationMs, i * minutes));
    return arrivals;
  }

  @Test
  void aFixedTenMinuteWindowMissesEveryCallThirtyMinutesApartAndHoldsTenMinutesAfterEach() {
    FunctionResult r =
        KeepAliveSimulation.function(
            "f",
            every(30, 40, 1_000),
            1024,
            40 * 30 * 60_000L,
            new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));

    assertThat(r.coldStarts()).isEqualTo(40);
    assertThat(r.gbSeconds())
        .isCloseTo(40 * (1 + 600), within(1e-6)); // 1 GB x (1 s run + 600 s idle) each
  }

  @Test
  void theHybridPolicyLearnsAThirtyMinuteGapAndPrewarmsSoLaterCallsAreWarmForLessMemory() {
    FunctionResult fixed =
        KeepAliveSimulation.function(
            "f",
            every(30, 40, 1_000),
            1024,
            40 * 30 * 60_000L,
            new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));
    FunctionResult hybrid =
        KeepAliveSimulation.function(
            "f",
            every(30, 40, 1_000),
            1024,
            40 * 30 * 60_000L,
            KeepAlivePolicy.Hybrid.paper(Duration.ofMinutes(10)));

    // The first calls fall back to the fixed window until ten idle times form a pattern.
    assertThat(hybrid.coldStarts()).isBetween(10L, 12L);
    assertThat(hybrid.gbSeconds()).isLessThan(fixed.gbSeconds());
  }

  @Test
  void overlappingActivationsEachNeedAContainer() {
    List<Arrival> two =
        List.of(
            new Arrival(0, 0, 5_000, 0),
            new Arrival(1_000_000_000L, 0, 5_000, 0),
            new Arrival(20_000_000_000L, 0, 5_000, 0));
    FunctionResult r =
        KeepAliveSimulation.function(
            "f", two, 1024, 60_000, new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));

    assertThat(r.coldStarts()).isEqualTo(2);
    assertThat(r.coldFraction()).isCloseTo(2.0 / 3, within(1e-9));
  }
}
