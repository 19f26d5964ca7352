package io.kwhisk.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ScheduleTest {
  @Test
  void openLoopSendTimesArePeriodicAndDoNotDriftOverMillionsOfRequests() {
    assertThat(OpenLoop.intendedStart(100, 0, 3)).isEqualTo(100);
    assertThat(OpenLoop.intendedStart(0, 3, 3)).isEqualTo(1_000_000_000L);
    assertThat((double) OpenLoop.intendedStart(0, 3_000_000, 3)).isCloseTo(1e15, within(1e3));
  }

  @Test
  void roundRobinSpreadsRequestsExactlyEvenly() {
    ActionPicker p = new ActionPicker(ActionPicker.Kind.ROUND_ROBIN, 3);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) counts.merge(p.next(), 1, Integer::sum);
    assertThat(counts).containsOnlyKeys(0, 1, 2).containsValues(100, 100, 100);
  }

  @Test
  void uniformPickStaysInRangeAndReachesEveryAction() {
    ActionPicker p = new ActionPicker(ActionPicker.Kind.UNIFORM, 4);
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4000; i++) counts.merge(p.next(), 1, Integer::sum);
    assertThat(counts).containsOnlyKeys(0, 1, 2, 3);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(700, 1300));
  }

  @Test
  void aScenarioIsEitherClosedOrOpenLoopNeverBoth() {
    assertThatThrownBy(
            () ->
                new Scenario(
                    "k",
                    1,
                    10,
                    5,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    ActionPicker.Kind.ROUND_ROBIN,
                    "p",
                    10))
        .hasMessageContaining("exactly one of users");
    assertThatThrownBy(
            () ->
                new Scenario(
                    "k",
                    1,
                    0,
                    0,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    ActionPicker.Kind.ROUND_ROBIN,
                    "p",
                    10))
        .hasMessageContaining("exactly one of users");
  }

  @Test
  void aDesignLabelThatWouldBreakTheCsvIsRejected() {
    assertThatThrownBy(() -> Scenario.closedLoop("a,b", 1, 1, Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("design");
  }
}
