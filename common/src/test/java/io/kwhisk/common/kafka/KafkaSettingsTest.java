package io.kwhisk.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.config.ConfigSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KafkaSettingsTest {
  @Test
  void everyClientGetsTheBootstrapServersItsIdAndTheExtraClientProperties() {
    KafkaSettings kafka = new KafkaSettings("b:9092", Map.of("security.protocol", "SSL"));
    assertThat(kafka.clientConfig("c1"))
        .containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("client.id", "c1")
        .containsEntry("security.protocol", "SSL");
  }

  @Test
  void readersWaitLongerOnAnIdleTopicUnlessTheClientPropertiesSayOtherwise() {
    assertThat(KafkaSettings.of("b:9092").readerConfig("r"))
        .containsEntry("fetch.max.wait.ms", KafkaSettings.READER_FETCH_WAIT_MS)
        .containsEntry("client.id", "r");
    assertThat(new KafkaSettings("b:9092", Map.of("fetch.max.wait.ms", "100")).readerConfig("r"))
        .containsEntry("fetch.max.wait.ms", "100");
  }

  @Test
  void clientPropertiesComeFromTheKeysUnderTheClientPrefix() {
    ConfigSource config =
        ConfigSource.of(
            Map.of(
                KafkaSettings.BOOTSTRAP,
                "b:9092",
                "kwhisk.kafka.client.security.protocol",
                "SASL_SSL",
                "kwhisk.kafka.client.linger.ms",
                "2"));
    assertThat(KafkaSettings.from(config).clientConfig("c"))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "2");
  }
}
