package io.kwhisk.controller.hash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.controller.ControllerConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SchedulingConfigTest {
  static ControllerConfig config(Map<String, String> more) {
    Map<String, String> values =
        new HashMap<>(Map.of("kwhisk.kafka.bootstrap-servers", "localhost:9092"));
    values.putAll(more);
    return ControllerConfig.from(ConfigSource.of(values));
  }

  @Test
  void kwhiskSchedulingIsTheDefaultAndSurvivesAPortChange() {
    assertThat(config(Map.of()).scheduling()).isEqualTo(SchedulingMode.KWHISK);
    assertThat(config(Map.of(ControllerConfig.SCHEDULING, "hash")).withPort(0).scheduling())
        .isEqualTo(SchedulingMode.HASH);
  }

  @Test
  void anUnknownSchedulingModeFailsNamingTheKey() {
    assertThatThrownBy(() -> config(Map.of(ControllerConfig.SCHEDULING, "random")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.SCHEDULING);
  }
}
