package io.kwhisk.controller.metrics;

import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.metrics.JvmMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Every meter of the controller, by name. Tags are bounded: an activation's status class (4 values)
 * and whether an invoke was blocking; never action names or ids.
 */
public final class ControllerMetrics {
  public static final String ACTIVATIONS = "kwhisk.controller.activations";
  public static final String INVOKE_LATENCY = "kwhisk.controller.invoke.latency";
  public static final String INVOKES_REJECTED = "kwhisk.controller.invokes.rejected";
  public static final String HEALTHY_INVOKERS = "kwhisk.controller.invokers.healthy";
  public static final String WAITING = "kwhisk.controller.blocking.waiting";
  public static final String LAG_VIEW_ACTIONS = "kwhisk.controller.admission.actions";
  public static final String BACKLOG = "kwhisk.controller.admission.backlog";
  public static final String READERS_DOWN = "kwhisk.controller.readers.down";
  public static final String DEAD_LETTERS = "kwhisk.controller.dead.letters";
  public static final String DELETED_QUEUED = "kwhisk.controller.activations.deleted";
  public static final String STORE_RECORDS = "kwhisk.controller.activation.store.records";

  private final PrometheusMeterRegistry registry;
  private final Counter[] completed = new Counter[4];
  private final Counter accepted;
  private final Timer blockingLatency;
  private final Timer nonBlockingLatency;

  /** The controller's meters in a registry of its own, served on its {@code /metrics}. */
  public ControllerMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * The controller's meters in {@code registry}. The JVM's ({@link JvmMeters}) are bound by {@code
   * Controller.start}, once per controller, so that a catalog made for a test binds no GC listener.
   */
  public ControllerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    String[] classes = {"success", "application_error", "developer_error", "whisk_error"};
    for (int i = 0; i < classes.length; i++) {
      completed[i] =
          Counter.builder(ACTIVATIONS)
              .tag("status", classes[i])
              .description("activations completed, by status class")
              .register(registry);
    }
    accepted =
        Counter.builder(ACTIVATIONS)
            .tag("status", "accepted")
            .description("activations accepted (produced to their action topic)")
            .register(registry);
    blockingLatency = latency(true);
    nonBlockingLatency = latency(false);
  }

  private Timer latency(boolean blocking) {
    return Timer.builder(INVOKE_LATENCY)
        .tag("blocking", String.valueOf(blocking))
        .description("time from an invoke request to its answer")
        .publishPercentileHistogram()
        .register(registry);
  }

  public void activationAccepted() {
    accepted.increment();
  }

  /** Counts a completed activation under its OpenWhisk status code (0 to 3). */
  public void activationCompleted(int statusCode) {
    int i =
        statusCode >= ActivationResponse.SUCCESS && statusCode <= ActivationResponse.WHISK_ERROR
            ? statusCode
            : ActivationResponse.WHISK_ERROR;
    completed[i].increment();
  }

  /** Time from request to answer of an invoke. */
  public void invokeLatency(boolean blocking, Duration elapsed) {
    (blocking ? blockingLatency : nonBlockingLatency).record(elapsed);
  }

  /**
   * An invoke refused before it was produced; {@code reason} is one of a fixed set (no_invokers,
   * kafka, namespace_concurrency, action_backlog).
   */
  public void invokeRejected(String reason) {
    Counter.builder(INVOKES_REJECTED).tag("reason", reason).register(registry).increment();
  }

  public void gauges(Supplier<Number> healthyInvokers, Supplier<Number> waiting) {
    Gauge.builder(HEALTHY_INVOKERS, healthyInvokers).register(registry);
    Gauge.builder(WAITING, waiting).register(registry);
  }

  /**
   * How many actions admission's lag view follows (each costs a share of the batched lag refresh).
   */
  public void lagView(Supplier<Number> activeActions, Supplier<Number> backlog) {
    Gauge.builder(LAG_VIEW_ACTIONS, activeActions)
        .description("actions in admission's lag view")
        .register(registry);
    Gauge.builder(BACKLOG, backlog)
        .description(
            "estimated activations queued or running, summed over the actions in the lag view")
        .register(registry);
  }

  /**
   * How many of the controller's Kafka readers are down (stopped on an error, waiting for their
   * restart).
   */
  public void readers(Supplier<Number> down) {
    Gauge.builder(READERS_DOWN, down)
        .description("Kafka readers stopped on an error, to be restarted")
        .register(registry);
  }

  /**
   * Records the activation store kept and dropped (duplicates of an id it holds, or ended beyond
   * retention) since the controller started.
   */
  public void activationStore(Supplier<Number> stored, Supplier<Number> dropped) {
    FunctionCounter.builder(STORE_RECORDS, stored, s -> s.get().doubleValue())
        .tag("outcome", "stored")
        .description("completions the activation store kept or dropped")
        .register(registry);
    FunctionCounter.builder(STORE_RECORDS, dropped, s -> s.get().doubleValue())
        .tag("outcome", "dropped")
        .description("completions the activation store kept or dropped")
        .register(registry);
  }

  /** Activations the broker gave up on after the delivery limit, written as error records. */
  public void deadLetters(int n) {
    Counter.builder(DEAD_LETTERS)
        .description("activations given up after the delivery limit, ended as error records")
        .register(registry)
        .increment(n);
  }

  /** Queued activations of a deleted action, ended as error records. */
  public void deletedQueued(int n) {
    Counter.builder(DELETED_QUEUED)
        .description("queued activations of deleted actions, ended as error records")
        .register(registry)
        .increment(n);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
