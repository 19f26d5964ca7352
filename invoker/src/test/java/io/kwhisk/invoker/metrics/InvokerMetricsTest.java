package io.kwhisk.invoker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InvokerMetricsTest {
  @Test
  void everyTimerPublishesHistogramBucketsAndTheCatalogLeavesTheJvmsMetersToTheInvoker() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InvokerMetrics metrics = new InvokerMetrics(registry);
    metrics.activation(InvokerMetrics.Outcome.SUCCESS, Duration.ofMillis(3));
    metrics.coldStart(Duration.ofMillis(40));
    metrics.containerStarted(Duration.ofMillis(700));
    metrics.paused(Duration.ofMillis(5));
    metrics.unpaused(Duration.ofMillis(5));

    String scrape = registry.scrape();
    for (String timer :
        new String[] {
          InvokerMetrics.ACTIVATION_DURATION,
          InvokerMetrics.INIT_TIME,
          InvokerMetrics.CONTAINER_START_TIME,
          InvokerMetrics.PAUSE_TIME,
          InvokerMetrics.UNPAUSE_TIME
        }) {
      assertThat(scrape).as(timer).contains(timer.replace('.', '_') + "_seconds_bucket");
    }
    assertThat(scrape)
        .as("Invoker.start binds them, once per invoker, not each catalog a test makes")
        .doesNotContain("jvm_memory_used_bytes", "jvm_gc_");
  }

  @Test
  void theHttpCallPoolShowsItsThreadsInUse() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ExecutorService pool = Executors.newCachedThreadPool();
    try {
      new InvokerMetrics(registry).httpCallPool(pool);
      CountDownLatch release = new CountDownLatch(1);
      pool.submit(
          () -> {
            release.await();
            return null;
          });
      try {
        await()
            .until(
                () ->
                    registry
                            .get("executor.active")
                            .tag("name", InvokerMetrics.HTTP_CALL_POOL)
                            .gauge()
                            .value()
                        == 1.0);
      } finally {
        release.countDown();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
