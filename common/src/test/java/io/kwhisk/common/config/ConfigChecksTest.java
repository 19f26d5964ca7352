package io.kwhisk.common.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConfigChecksTest {
  @Test
  void aDurationCheckNamesTheKeyOfTheValueItRefuses() {
    assertThatThrownBy(() -> ConfigChecks.requirePositive("kwhisk.x.tick", Duration.ZERO))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.x.tick")
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> ConfigChecks.requirePositive("kwhisk.x.tick", null))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () -> ConfigChecks.requireNotNegative("kwhisk.x.wait", Duration.ofMillis(-1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.x.wait");
    assertThatCode(() -> ConfigChecks.requireNotNegative("kwhisk.x.wait", Duration.ZERO))
        .doesNotThrowAnyException();
    assertThatCode(() -> ConfigChecks.requirePositive("kwhisk.x.tick", Duration.ofMillis(1)))
        .doesNotThrowAnyException();
  }

  @Test
  void aCountCheckNamesTheKeyAndTheValueItRefuses() {
    assertThatThrownBy(() -> ConfigChecks.requirePositive("kwhisk.x.n", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.x.n")
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> ConfigChecks.requireNotNegative("kwhisk.x.n", -2))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("got -2");
    assertThatCode(() -> ConfigChecks.requireNotNegative("kwhisk.x.n", 0))
        .doesNotThrowAnyException();
  }
}
