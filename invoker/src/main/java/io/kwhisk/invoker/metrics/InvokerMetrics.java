package io.kwhisk.invoker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of the invoker, by name. Tags are bounded: a container state, an activation outcome;
 * never an action or activation id. Thread-safe: proxies on any thread record into it.
 */
public final class InvokerMetrics {
  public static final String CONTAINERS = "kwhisk.invoker.containers";
  public static final String COLD_STARTS = "kwhisk.invoker.cold.starts";
  public static final String ACTIVATION_DURATION = "kwhisk.invoker.activation.duration";
  public static final String INIT_TIME = "kwhisk.invoker.init.time";
  public static final String CREATIONS_REFUSED = "kwhisk.invoker.creations.refused";
  public static final String EVICTIONS = "kwhisk.invoker.evictions";
  public static final String PAUSE_TIME = "kwhisk.invoker.pause.time";
  public static final String UNPAUSE_TIME = "kwhisk.invoker.unpause.time";
  public static final String CONTAINER_DEATHS = "kwhisk.invoker.container.deaths";
  public static final String PREWARM_USED = "kwhisk.invoker.prewarm.used";
  public static final String REQUEUED = "kwhisk.invoker.activations.requeued";
  public static final String PREWARM_READY = "kwhisk.invoker.prewarm.ready";
  public static final String CONTAINER_START_TIME = "kwhisk.invoker.container.start.time";
  public static final String LOG_SOURCES = "kwhisk.invoker.log.sources";
  public static final String LOG_FILE_READS = "kwhisk.invoker.log.file.reads";
  public static final String LOG_FILE_ROTATIONS = "kwhisk.invoker.log.file.rotations";
  public static final String LOG_HELD = "kwhisk.invoker.log.held.chars";

  /**
   * The {@code name} tag of Micrometer's executor meters ({@code executor.active}, {@code
   * executor.pool.size}, ...) on the pool of blocking HTTP calls to containers.
   */
  public static final String HTTP_CALL_POOL = "kwhisk.invoker.http.calls";

  /** The states a container is counted in; one gauge each. */
  public enum ContainerState {
    STARTING,
    INITIALIZING,
    READY,
    RUNNING,
    PAUSED,
    REMOVING
  }

  /** Why a container died under a running activation. */
  public enum Death {
    OOM_KILLED,
    KILLED,
    EXITED
  }

  /** Where a container's logs are read: its json log file, its followed stream, or nowhere. */
  public enum LogSourceKind {
    FILE,
    STREAM,
    NONE
  }

  /** Outcome tag of an activation, OpenWhisk's four response classes. */
  public enum Outcome {
    SUCCESS,
    APPLICATION_ERROR,
    DEVELOPER_ERROR,
    WHISK_ERROR
  }

  private final MeterRegistry registry;
  private final Map<ContainerState, AtomicInteger> containers = new EnumMap<>(ContainerState.class);
  private final Counter coldStarts;
  private final Counter refused;
  private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
  private final Timer initTime;
  private final Counter evictions;
  private final Counter prewarmUsed;
  private final Counter requeued;
  private final Timer containerStartTime;
  private final Timer pauseTime;
  private final Timer unpauseTime;
  private final Map<Death, Counter> deaths = new EnumMap<>(Death.class);
  private final Map<LogSourceKind, Counter> logSources = new EnumMap<>(LogSourceKind.class);
  private final Counter logFileReads;
  private final Counter logFileRotations;
  private final DistributionSummary logHeld;

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
    coldStarts =
        Counter.builder(COLD_STARTS)
            .description("Containers created and initialised")
            .register(registry);
    refused =
        Counter.builder(CREATIONS_REFUSED)
            .description("Container creations refused for lack of user memory")
            .register(registry);
    for (Outcome o : Outcome.values()) {
      durations.put(
          o,
          Timer.builder(ACTIVATION_DURATION)
              .tag("outcome", o.name().toLowerCase())
              .description("Time from the start of /run to its result")
              .publishPercentileHistogram()
              .register(registry));
    }
    initTime =
        Timer.builder(INIT_TIME)
            .description("Duration of /init")
            .publishPercentileHistogram()
            .register(registry);
    evictions =
        Counter.builder(EVICTIONS)
            .description("Idle containers retired to make room for a creation of another action")
            .register(registry);
    prewarmUsed =
        Counter.builder(PREWARM_USED)
            .description("Cold starts that took a prewarmed container instead of creating one")
            .register(registry);
    requeued =
        Counter.builder(REQUEUED)
            .description(
                "Activations a container held and never ran (it did not start or initialise, or was"
                    + " retired first), given back to their action as new records")
            .register(registry);
    containerStartTime =
        Timer.builder(CONTAINER_START_TIME)
            .description("Docker create, start and the wait for the action port of a new container")
            .publishPercentileHistogram()
            .register(registry);
    pauseTime =
        Timer.builder(PAUSE_TIME)
            .description("Duration of docker pause")
            .publishPercentileHistogram()
            .register(registry);
    unpauseTime =
        Timer.builder(UNPAUSE_TIME)
            .description("Duration of docker unpause")
            .publishPercentileHistogram()
            .register(registry);
    for (Death d : Death.values()) {
      deaths.put(
          d,
          Counter.builder(CONTAINER_DEATHS)
              .tag("cause", d.name().toLowerCase())
              .description("Containers that died while an activation ran")
              .register(registry));
    }
    for (LogSourceKind k : LogSourceKind.values()) {
      logSources.put(
          k,
          Counter.builder(LOG_SOURCES)
              .tag("source", k.name().toLowerCase())
              .description("Containers whose logs were collected from each source")
              .register(registry));
    }
    logFileReads =
        Counter.builder(LOG_FILE_READS)
            .description(
                "Reads of containers' json log files (more than one per activation when Docker wrote late)")
            .register(registry);
    logFileRotations =
        Counter.builder(LOG_FILE_ROTATIONS)
            .description("Rotated json log files the reader moved on from (Docker's max-size)")
            .register(registry);
    logHeld =
        DistributionSummary.builder(LOG_HELD)
            .description(
                "Characters of log output one container's collector held when it completed a segment")
            .baseUnit("chars")
            .register(registry);
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

  public void containerEvicted() {
    evictions.increment();
  }

  public void containerStarted(Duration d) {
    containerStartTime.record(d);
  }

  /**
   * Binds Micrometer's executor meters to {@code pool}, the blocking HTTP calls to containers: its
   * threads and their use show how many calls are under way (gauges read from the pool, nothing per
   * call).
   */
  public void httpCallPool(ExecutorService pool) {
    new ExecutorServiceMetrics(pool, HTTP_CALL_POOL, Tags.empty()).bindTo(registry);
  }

  /** Registers the gauge of prewarmed containers ready now (all images together). */
  public void prewarmStock(java.util.function.Supplier<Number> ready) {
    Gauge.builder(PREWARM_READY, ready)
        .description("Prewarmed containers ready for a cold start")
        .register(registry);
  }

  public void prewarmUsed() {
    prewarmUsed.increment();
  }

  /** An activation held and never run went back to its action as a new record. */
  public void requeued() {
    requeued.increment();
  }

  public void paused(Duration d) {
    pauseTime.record(d);
  }

  public void unpaused(Duration d) {
    unpauseTime.record(d);
  }

  public void containerDied(Death cause) {
    deaths.get(cause).increment();
  }

  public void logSourceOpened(LogSourceKind kind) {
    logSources.get(kind).increment();
  }

  public void logFileRead() {
    logFileReads.increment();
  }

  public void logFileRotated() {
    logFileRotations.increment();
  }

  /**
   * What one container's log collector held (lines, partial lines, segments not yet taken) at its
   * peak.
   */
  public void logHeldChars(long chars) {
    logHeld.record(chars);
  }

  public void creationRefused() {
    refused.increment();
  }

  public void activation(Outcome outcome, Duration duration) {
    durations.get(outcome).record(duration);
  }
}
