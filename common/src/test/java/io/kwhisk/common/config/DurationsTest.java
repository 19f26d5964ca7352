package io.kwhisk.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DurationsTest {
  @Test
  void aDurationIsWrittenInTheLargestUnitThatShowsItWhole() {
    assertThat(Durations.format(Duration.ofHours(4))).isEqualTo("4h");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
    assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void whatIsWrittenReadsBackAsTheSameDuration() {
    for (Duration d :
        List.of(
            Duration.ofHours(4),
            Duration.ofMinutes(7),
            Duration.ofSeconds(61),
            Duration.ofMillis(250),
            Duration.ZERO)) {
      assertThat(Durations.parse("k", Durations.format(d))).isEqualTo(d);
    }
  }

  @Test
  void aBareNumberIsMillisecondsAndAnythingElseNamesTheKey() {
    assertThat(Durations.parse("k", "250")).isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(() -> Durations.parse("kwhisk.x", "soon"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.x");
  }
}
