package io.kwhisk.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The process meters every kwhisk service exposes beside its own catalog: heap and non-heap memory,
 * GC pauses, threads, loaded classes, CPU and uptime (Micrometer's binders, under their standard
 * {@code jvm.*}, {@code process.*} and {@code system.*} names), so a dashboard can tell a platform
 * that is busy from one that is collecting garbage.
 */
public final class JvmMeters {
  private JvmMeters() {}

  /**
   * Binds the process meters to {@code registry}. The returned handle stops the GC listener; a
   * service's registry lives as long as its process, so only tests that create many registries need
   * to close it.
   */
  public static AutoCloseable bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }
}
