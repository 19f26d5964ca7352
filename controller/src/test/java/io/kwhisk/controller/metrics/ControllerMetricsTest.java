package io.kwhisk.controller.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ControllerMetricsTest {
  @Test
  void theCatalogRegistersInTheRegistryItWasGivenAndLeavesTheJvmsMetersToTheController() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ControllerMetrics metrics = new ControllerMetrics(registry);
    metrics.invokeLatency(true, Duration.ofMillis(12));

    assertThat(metrics.registry()).isSameAs(registry);
    String scrape = metrics.scrape();
    assertThat(scrape)
        .as("Controller.start binds them, once per controller, not each catalog a test makes")
        .doesNotContain("jvm_memory_used_bytes", "jvm_gc_");
    assertThat(scrape)
        .as("latency percentiles come from histogram buckets")
        .contains("kwhisk_controller_invoke_latency_seconds_bucket");
  }
}
