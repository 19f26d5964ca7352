package io.kwhisk.invoker.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.invoker.InvokerConfig;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SchedulingConfigTest {
  static InvokerConfig config(Map<String, String> more) {
    Map<String, String> values =
        new java.util.HashMap<>(Map.of("kwhisk.kafka.bootstrap-servers", "localhost:9092"));
    values.putAll(more);
    return InvokerConfig.from(ConfigSource.of(values));
  }

  @Test
  void kwhiskSchedulingIsTheDefault() {
    assertThat(config(Map.of()).scheduling()).isEqualTo(SchedulingMode.KWHISK);
  }

  @Test
  void hashSchedulingIsSelectedByConfigurationInAnyCase() {
    assertThat(config(Map.of(InvokerConfig.SCHEDULING, "Hash")).scheduling())
        .isEqualTo(SchedulingMode.HASH);
  }

  @Test
  void anUnknownSchedulingModeFailsNamingTheKey() {
    assertThatThrownBy(() -> config(Map.of(InvokerConfig.SCHEDULING, "random")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(InvokerConfig.SCHEDULING);
  }
}
