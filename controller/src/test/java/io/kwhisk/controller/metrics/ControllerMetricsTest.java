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
  void theScrapeCarriesTheJvmsMetersBesideTheControllersOwnInTheRegistryItWasGiven() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ControllerMetrics metrics = new ControllerMetrics(registry);
    metrics.invokeLatency(true, Duration.ofMillis(12));

    assertThat(metrics.registry()).isSameAs(registry);
    String scrape = metrics.scrape();
    assertThat(scrape).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_", "process_cpu_usage",
        "process_uptime_seconds");
    assertThat(scrape).as("latency percentiles come from histogram buckets")
        .contains("kwhisk_controller_invoke_latency_seconds_bucket");
  }
}
