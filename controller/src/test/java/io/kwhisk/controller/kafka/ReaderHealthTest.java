package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ReaderHealthTest {
  @Test
  void theBackOffDoublesWithEachFailureInARowUpToThirtySeconds() {
    assertThat(ReaderHealth.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(ReaderHealth.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(ReaderHealth.backoff(5)).isEqualTo(Duration.ofMillis(1600));
    assertThat(ReaderHealth.backoff(12)).isEqualTo(Duration.ofSeconds(30));
    assertThat(ReaderHealth.backoff(1000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aReaderDownMakesTheControllerNotReadyUntilItReadsAgainAndAClosedOneNoLongerCounts() {
    ReaderHealth health = new ReaderHealth();
    health.up("completions");
    health.up("activations");
    assertThat(health.allUp()).isTrue();
    health.down("activations");
    assertThat(health.allUp()).isFalse();
    assertThat(health.down()).isEqualTo(1);
    assertThat(health.restarts("activations")).isEqualTo(1);
    health.up("activations");
    assertThat(health.allUp()).isTrue();
    health.down("completions");
    health.closed("completions");
    assertThat(health.allUp()).isTrue();
    assertThat(health.readers()).containsOnlyKeys("activations");
  }
}
