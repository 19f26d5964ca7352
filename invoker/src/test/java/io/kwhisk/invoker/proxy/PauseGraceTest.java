package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PauseGraceTest {
  private static final PauseGrace GRACE =
      PauseGrace.of(Duration.ofSeconds(1), Duration.ofSeconds(10));

  @Test
  void aContainerThatWasNeverIdleWaitsTheMinimum() {
    assertThat(GRACE.grace()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theGraceIsTwiceTheTypicalGapWithinTheBounds() {
    assertThat(GRACE.afterGap(3_000).grace()).isEqualTo(Duration.ofSeconds(6));
    assertThat(GRACE.afterGap(100).grace())
        .as("never below the minimum")
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(GRACE.afterGap(60_000).grace())
        .as("never above the maximum")
        .isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void eachNewGapWeighsHalf() {
    assertThat(GRACE.afterGap(4_000).afterGap(2_000).grace()).isEqualTo(Duration.ofSeconds(6));
    PauseGrace afterLongGap = GRACE.afterGap(60_000);
    PauseGrace shortGaps = afterLongGap;
    for (int i = 0; i < 6; i++) shortGaps = shortGaps.afterGap(1_000);
    assertThat(shortGaps.typicalGapMs()).as("60 s, then six gaps of 1 s").isEqualTo(1_921);
    assertThat(shortGaps.grace())
        .as("a long idle spell is forgotten after a few short gaps")
        .isEqualTo(Duration.ofMillis(3_842));
  }

  @Test
  void equalBoundsFixTheGrace() {
    PauseGrace fixed = PauseGrace.of(Duration.ofMillis(50), Duration.ofMillis(50));
    assertThat(fixed.afterGap(5_000).grace()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void aMaximumBelowTheMinimumIsRefused() {
    assertThatThrownBy(() -> PauseGrace.of(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
