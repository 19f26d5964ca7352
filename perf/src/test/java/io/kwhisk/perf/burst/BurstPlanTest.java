package io.kwhisk.perf.burst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.load.Label;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BurstPlanTest {
  private static BurstPlan plan(List<Integer> sizes, String prefix, int memory) {
    return new BurstPlan("kwhisk", sizes, prefix, "abc123", memory, Duration.ofSeconds(5), false);
  }

  @Test
  void everyBurstOfARunGetsItsOwnActionNamesCarryingTheRunId() {
    BurstPlan p = plan(List.of(10, 10), "perf-burst", 0);
    assertThat(p.actionPrefix(0)).isEqualTo("perf-burst-abc123-0");
    assertThat(p.actionPrefix(1)).isEqualTo("perf-burst-abc123-1");
  }

  @Test
  void runIdsAreShortLabelsThatDifferBetweenRuns() {
    String a = Label.newRunId();
    String b = Label.newRunId();
    assertThat(a).matches("[0-9a-z]{6}");
    assertThat(b).matches("[0-9a-z]{6}").isNotEqualTo(a);
  }

  @Test
  void badOptionsAreRejectedNamingTheOption() {
    assertThatThrownBy(() -> plan(List.of(10, 0), "p", 0))
        .hasMessageContaining("--actions")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> plan(List.of(BurstPlan.MAX_SIZE + 1), "p", 0))
        .hasMessageContaining("--actions")
        .hasMessageContaining("between 1 and 1000");
    assertThatThrownBy(() -> plan(List.of(), "p", 0)).hasMessageContaining("--actions should list");
    assertThatThrownBy(() -> plan(List.of(1), "p", -1)).hasMessageContaining("--memory");
    assertThatThrownBy(() -> plan(List.of(1), "a b", 0)).hasMessageContaining("--prefix");
    assertThatThrownBy(() -> plan(List.of(1), "-dash", 0))
        .hasMessageContaining("--prefix -dash does not make valid");
    assertThatThrownBy(
            () -> new BurstPlan("my design", List.of(1), "p", "r", 0, Duration.ZERO, false))
        .hasMessageContaining("--design");
  }
}
