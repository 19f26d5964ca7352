package io.kwhisk.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandaloneConfigTest {
  @Test
  void embeddedBrokerPropertiesComeFromKeysUnderTheBrokerPrefix() {
    StandaloneConfig config =
        StandaloneConfig.from(
            ConfigSource.of(
                Map.of(
                    "kwhisk.standalone.kafka.broker.group.share.heartbeat.interval.ms",
                    "1000",
                    "kwhisk.standalone.kafka-port",
                    "9092")));
    assertThat(config.brokerOverrides())
        .containsExactly(Map.entry("group.share.heartbeat.interval.ms", "1000"));
    assertThat(config.kafkaPort()).isEqualTo(9092);
  }

  @Test
  void withoutBrokerKeysTheEmbeddedBrokerKeepsItsDefaults() {
    assertThat(StandaloneConfig.from(ConfigSource.of(Map.of())).brokerOverrides()).isEmpty();
  }

  @Test
  void aPortOutsideTheTcpRangeIsRefusedWithTheKeyNamed() {
    assertThatThrownBy(
            () ->
                StandaloneConfig.from(
                    ConfigSource.of(Map.of("kwhisk.standalone.kafka-port", "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.standalone.kafka-port");
  }
}
