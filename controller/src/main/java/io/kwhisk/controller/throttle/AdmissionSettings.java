package io.kwhisk.controller.throttle;

import static io.kwhisk.common.config.ConfigChecks.requireNotNegative;
import static io.kwhisk.common.config.ConfigChecks.requirePositive;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.time.Duration;

/**
 * How admission decides, read once at start-up. Defaults and why:
 *
 * <ul>
 *   <li>{@code namespace-concurrency} 100: OpenWhisk's default of concurrent invocations per
 *       namespace; a namespace entry may override it.
 *   <li>{@code backlog-per-slot} 4: each slot (container x concurrency) the action has or may still
 *       get may have four activations queued behind it, enough to hide a cold start without letting
 *       the queue grow unbounded.
 *   <li>{@code min-backlog} 16: the floor, so that an action with no capacity yet (cold, invokers
 *       full) still takes a burst.
 *   <li>{@code max-queue-delay} 10s: an action that drains fast may queue up to this much of its
 *       observed drain rate, so the allowed backlog scales with throughput while the wait it
 *       implies stays bounded.
 *   <li>{@code lag-refresh} 1s: one batched Admin round trip per period for all active actions.
 *   <li>{@code drain-smoothing} 10s: the time constant of the exponentially smoothed drain rate.
 *   <li>{@code max-retry-after} 30s: the ceiling of {@code Retry-After} (also its value while no
 *       drain was seen).
 *   <li>{@code idle-after} 60s: an action neither invoked nor queued for this long leaves the lag
 *       view.
 *   <li>{@code namespace-per-minute} 120: invocations a namespace may start per minute (OpenWhisk's
 *       {@code invocationsPerMinute}, counted per calendar minute as OpenWhisk does); 0 turns the
 *       limit off. Split over the controllers like the concurrency limit. The standalone raises it
 *       (as OpenWhisk's standalone raises its limits): one user running load against it should meet
 *       the concurrency limit, not this one.
 *   <li>{@code controllers} 1: how many controllers share the namespaces' concurrency limits. Each
 *       controller counts only the activations it accepted, so each admits its own share of a
 *       namespace's limit ({@link #share}): the shares add up to the limit, and n controllers
 *       together never have more in flight than it. The price: a controller refuses at its share
 *       even while another has room (a load balancer that spreads requests evenly keeps that rare),
 *       and while a controller is down its share is unused. This controller's share is the one of
 *       its id ({@code kwhisk.controller.id}), which must then be below the number of controllers.
 * </ul>
 */
public record AdmissionSettings(
    int namespaceConcurrency,
    int backlogPerSlot,
    int minBacklog,
    Duration maxQueueDelay,
    Duration lagRefresh,
    Duration drainSmoothing,
    Duration maxRetryAfter,
    Duration idleAfter,
    int controllers,
    int controllerIndex,
    int namespacePerMinute) {

  public static final String PREFIX = "kwhisk.controller.throttle.";
  public static final String NAMESPACE_CONCURRENCY = PREFIX + "namespace-concurrency";
  public static final String BACKLOG_PER_SLOT = PREFIX + "backlog-per-slot";
  public static final String MIN_BACKLOG = PREFIX + "min-backlog";
  public static final String MAX_QUEUE_DELAY = PREFIX + "max-queue-delay";
  public static final String LAG_REFRESH = PREFIX + "lag-refresh";
  public static final String DRAIN_SMOOTHING = PREFIX + "drain-smoothing";
  public static final String MAX_RETRY_AFTER = PREFIX + "max-retry-after";
  public static final String IDLE_AFTER = PREFIX + "idle-after";
  public static final String CONTROLLERS = PREFIX + "controllers";
  public static final String NAMESPACE_PER_MINUTE = PREFIX + "namespace-per-minute";

  /** OpenWhisk's default {@code invocationsPerMinute}. */
  public static final int DEFAULT_PER_MINUTE = 120;

  /**
   * The controller's id (ControllerConfig's key): which share of the limits is this controller's.
   */
  static final String CONTROLLER_ID = "kwhisk.controller.id";

  public static final AdmissionSettings DEFAULT =
      new AdmissionSettings(
          100,
          4,
          16,
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60),
          1,
          0,
          DEFAULT_PER_MINUTE);

  public AdmissionSettings {
    if (namespaceConcurrency < 1) {
      throw new ConfigException(
          NAMESPACE_CONCURRENCY, "must be 1 or more, got " + namespaceConcurrency);
    }
    requireNotNegative(BACKLOG_PER_SLOT, backlogPerSlot);
    if (minBacklog < 1)
      throw new ConfigException(MIN_BACKLOG, "must be 1 or more, got " + minBacklog);
    requireNotNegative(MAX_QUEUE_DELAY, maxQueueDelay);
    requirePositive(LAG_REFRESH, lagRefresh);
    requirePositive(DRAIN_SMOOTHING, drainSmoothing);
    if (maxRetryAfter == null || maxRetryAfter.toSeconds() < 1) {
      throw new ConfigException(MAX_RETRY_AFTER, "must be at least 1s");
    }
    requirePositive(IDLE_AFTER, idleAfter);
    if (namespacePerMinute < 0) {
      throw new ConfigException(
          NAMESPACE_PER_MINUTE, "must be 0 (no limit) or more, got " + namespacePerMinute);
    }
    if (controllers < 1)
      throw new ConfigException(CONTROLLERS, "must be 1 or more, got " + controllers);
    if (controllerIndex < 0 || controllerIndex >= controllers) {
      throw new ConfigException(
          CONTROLLER_ID,
          "must be below "
              + CONTROLLERS
              + " ("
              + controllers
              + ") so that the controllers' shares of each limit add up to it, got "
              + controllerIndex);
    }
  }

  /** Settings of the only controller (the whole of every limit), without a per-minute limit. */
  public AdmissionSettings(
      int namespaceConcurrency,
      int backlogPerSlot,
      int minBacklog,
      Duration maxQueueDelay,
      Duration lagRefresh,
      Duration drainSmoothing,
      Duration maxRetryAfter,
      Duration idleAfter) {
    this(
        namespaceConcurrency,
        backlogPerSlot,
        minBacklog,
        maxQueueDelay,
        lagRefresh,
        drainSmoothing,
        maxRetryAfter,
        idleAfter,
        1,
        0,
        0);
  }

  /** These settings with {@code perMinute} invocations per minute per namespace (0: no limit). */
  public AdmissionSettings withNamespacePerMinute(int perMinute) {
    return new AdmissionSettings(
        namespaceConcurrency,
        backlogPerSlot,
        minBacklog,
        maxQueueDelay,
        lagRefresh,
        drainSmoothing,
        maxRetryAfter,
        idleAfter,
        controllers,
        controllerIndex,
        perMinute);
  }

  /**
   * This controller's share of a namespace limit: the limit split evenly over the controllers, the
   * remainder to the lowest ids, so that the shares add up to the limit exactly (with 2
   * controllers, 7 is 4 and 3).
   */
  public int share(int limit) {
    return limit / controllers + (controllerIndex < limit % controllers ? 1 : 0);
  }

  public static AdmissionSettings from(ConfigSource source) {
    return new AdmissionSettings(
        source.integer(NAMESPACE_CONCURRENCY, DEFAULT.namespaceConcurrency),
        source.integer(BACKLOG_PER_SLOT, DEFAULT.backlogPerSlot),
        source.integer(MIN_BACKLOG, DEFAULT.minBacklog),
        source.duration(MAX_QUEUE_DELAY, DEFAULT.maxQueueDelay),
        source.duration(LAG_REFRESH, DEFAULT.lagRefresh),
        source.duration(DRAIN_SMOOTHING, DEFAULT.drainSmoothing),
        source.duration(MAX_RETRY_AFTER, DEFAULT.maxRetryAfter),
        source.duration(IDLE_AFTER, DEFAULT.idleAfter),
        source.integer(CONTROLLERS, 1),
        source.integer(CONTROLLERS, 1) > 1 ? source.integer(CONTROLLER_ID, 0) : 0,
        source.integer(NAMESPACE_PER_MINUTE, DEFAULT.namespacePerMinute));
  }
}
