package io.kwhisk.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(250, 100, 2_000);

  @Test
  void retryAfterSecondsAreWaitedWithinTheBounds() {
    assertThat(backoff.forRetryAfter(Optional.of("1"))).isEqualTo(1_000);
    assertThat(backoff.forRetryAfter(Optional.of("0"))).isEqualTo(100);
    assertThat(backoff.forRetryAfter(Optional.of("30"))).isEqualTo(2_000);
  }

  @Test
  void aMissingOrMalformedRetryAfterWaitsTheFallback() {
    assertThat(backoff.forRetryAfter(Optional.empty())).isEqualTo(250);
    assertThat(backoff.forRetryAfter(Optional.of("soon"))).isEqualTo(250);
  }

  @Test
  void boundsThatCannotHoldAreRefused() {
    assertThatThrownBy(() -> new Backoff(100, 500, 200))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
