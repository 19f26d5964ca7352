package io.kwhisk.invoker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of the invoker, by name. Tags are bounded: a container state, an activation outcome; never an action
 * or activation id. Thread-safe: proxies on any thread record into it.
 */
public final class InvokerMetrics {
  public static final String CONTAINERS = "kwhisk.invoker.containers";
  public static final String COLD_STARTS = "kwhisk.invoker.cold.starts";
  public static final String ACTIVATION_DURATION = "kwhisk.invoker.activation.duration";
  public static final String INIT_TIME = "kwhisk.invoker.init.time";
  public static final String CREATIONS_REFUSED = "kwhisk.invoker.creations.refused";

  /** The states a container is counted in; one gauge each. */
  public enum ContainerState { STARTING, INITIALIZING, READY, RUNNING, REMOVING }

  /** Outcome tag of an activation, OpenWhisk's four response classes. */
  public enum Outcome { SUCCESS, APPLICATION_ERROR, DEVELOPER_ERROR, WHISK_ERROR }

  private final MeterRegistry registry;
  private final Map<ContainerState, AtomicInteger> containers = new EnumMap<>(ContainerState.class);
  private final Counter coldStarts;
  private final Counter refused;
  private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
  private final Timer initTime;

  public InvokerMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (ContainerState s : ContainerState.values()) {
      AtomicInteger n = new AtomicInteger();
      containers.put(s, n);
      Gauge.builder(CONTAINERS, n, AtomicInteger::get)
          .tag("state", s.name().toLowerCase())
          .description("Action containers of this invoker, by state")
          .register(registry);
    }
    coldStarts = Counter.builder(COLD_STARTS).description("Containers created and initialised").register(registry);
    refused = Counter.builder(CREATIONS_REFUSED)
        .description("Container creations refused for lack of user memory")
        .register(registry);
    for (Outcome o : Outcome.values()) {
      durations.put(o, Timer.builder(ACTIVATION_DURATION)
          .tag("outcome", o.name().toLowerCase())
          .description("Time from the start of /run to its result")
          .register(registry));
    }
    initTime = Timer.builder(INIT_TIME).description("Duration of /init").register(registry);
  }

  /** Metrics that go nowhere: for tests. */
  public static InvokerMetrics discarding() {
    return new InvokerMetrics(new SimpleMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** A container moved from {@code from} (null when new) to {@code to} (null when gone). */
  public void containerMoved(ContainerState from, ContainerState to) {
    if (from == to) return;
    if (from != null) containers.get(from).decrementAndGet();
    if (to != null) containers.get(to).incrementAndGet();
  }

  public int containers(ContainerState state) {
    return containers.get(state).get();
  }

  public void coldStart(Duration init) {
    coldStarts.increment();
    initTime.record(init);
  }

  public void creationRefused() {
    refused.increment();
  }

  public void activation(Outcome outcome, Duration duration) {
    durations.get(outcome).record(duration);
  }
}
