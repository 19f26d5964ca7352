package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.kafka.KafkaSettings;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ActivationFeedPropertiesTest {
  private static final FullyQualifiedName ACTION = new FullyQualifiedName("guest", "hello");

  @Test
  void aFeedsConsumerNeitherReportsNorPushesMetricsByDefault() {
    Map<String, Object> props =
        ActivationFeed.properties(KafkaSettings.of("localhost:9092"), ACTION, "c1", 4);

    assertThat(props)
        .containsEntry("metric.reporters", "")
        .containsEntry("enable.metrics.push", false)
        .containsEntry("bootstrap.servers", "localhost:9092")
        .containsEntry("client.id", "c1")
        .containsEntry("max.poll.records", 4);
  }

  @Test
  void clientPropertiesOfTheInstallationOverrideTheMetricsDefaults() {
    KafkaSettings kafka =
        new KafkaSettings(
            "localhost:9092",
            Map.of(
                "metric.reporters",
                "org.apache.kafka.common.metrics.JmxReporter",
                "enable.metrics.push",
                "true"));

    Map<String, Object> props = ActivationFeed.properties(kafka, ACTION, "c1", 1);

    assertThat(props)
        .containsEntry("metric.reporters", "org.apache.kafka.common.metrics.JmxReporter")
        .containsEntry("enable.metrics.push", "true");
  }
}
