package io.kwhisk.invoker;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything an invoker is configured with, read once at start-up by {@link #from(ConfigSource)} and validated here;
 * errors name the key. Nothing else in the invoker reads configuration.
 *
 * @param firstPullGrace how long a new container waits for its first activation before its keep-alive applies:
 *     joining a share group takes time, and the container was created for activations that wait
 * @param prefetch records one share consumer of a container pulls per poll; 0 means "the action's concurrency
 *     limit". A consumer polls again only when every record of its last poll is acknowledged, so a container runs
 *     {@code concurrency / prefetch} consumers ("lanes"): with the default one lane pulls batches, with 1 every
 *     slot pulls on its own and a busy container keeps pulling while earlier activations run
 */
public record InvokerConfig(
    int invokerId,
    KafkaSettings kafka,
    long userMemoryMb,
    Duration keepAlive,
    Duration firstPullGrace,
    Duration heartbeatInterval,
    Map<String, String> images,
    String dockerHost,
    String network,
    int prefetch,
    Duration containerStartTimeout,
    Duration logCollectionTimeout,
    int metricsPort) {

  public static final String ID = "kwhisk.invoker.id";
  public static final String USER_MEMORY = "kwhisk.invoker.user-memory-mb";
  public static final String KEEP_ALIVE = "kwhisk.invoker.keep-alive";
  public static final String FIRST_PULL_GRACE = "kwhisk.invoker.first-pull-grace";
  public static final String HEARTBEAT = "kwhisk.invoker.heartbeat-interval";
  public static final String IMAGES = "kwhisk.invoker.images";
  public static final String DOCKER_HOST = "kwhisk.invoker.docker-host";
  public static final String NETWORK = "kwhisk.invoker.network";
  public static final String PREFETCH = "kwhisk.invoker.prefetch";
  public static final String START_TIMEOUT = "kwhisk.invoker.container-start-timeout";
  public static final String LOG_TIMEOUT = "kwhisk.invoker.log-collection-timeout";
  public static final String METRICS_PORT = "kwhisk.invoker.metrics-port";

  /** The action annotation that overrides {@link #keepAlive} for one action, in milliseconds. */
  public static final String KEEP_ALIVE_ANNOTATION = "keepAlive";

  public static final Map<String, String> DEFAULT_IMAGES = defaultImages();

  public InvokerConfig {
    Objects.requireNonNull(kafka, "kafka should not be null");
    if (invokerId < 0) throw new ConfigException(ID, "must be 0 or more, got " + invokerId);
    if (userMemoryMb < ActionLimits.MIN_MEMORY) {
      throw new ConfigException(
          USER_MEMORY, "must be at least " + ActionLimits.MIN_MEMORY + " MB, got " + userMemoryMb);
    }
    requirePositive(KEEP_ALIVE, keepAlive);
    requirePositive(FIRST_PULL_GRACE, firstPullGrace);
    requirePositive(HEARTBEAT, heartbeatInterval);
    requirePositive(START_TIMEOUT, containerStartTimeout);
    requirePositive(LOG_TIMEOUT, logCollectionTimeout);
    images = Map.copyOf(Objects.requireNonNull(images, "images should not be null"));
    if (dockerHost == null || dockerHost.isBlank()) throw new ConfigException(DOCKER_HOST, "is required");
    if (network == null || network.isBlank()) throw new ConfigException(NETWORK, "is required");
    if (prefetch < 0 || prefetch > ActionLimits.MAX_CONCURRENCY) {
      throw new ConfigException(PREFETCH, "must be between 0 (the action's concurrency) and "
          + ActionLimits.MAX_CONCURRENCY + ", got " + prefetch);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ConfigException(METRICS_PORT, "must be a port number or 0 (off), got " + metricsPort);
    }
  }

  public static InvokerConfig from(ConfigSource config) {
    Map<String, String> images = new LinkedHashMap<>(DEFAULT_IMAGES);
    config.get(IMAGES).ifPresent(v -> images.putAll(parseImages(v)));
    return new InvokerConfig(
        config.integer(ID, 0),
        KafkaSettings.from(config, Map.of()),
        config.longValue(USER_MEMORY, 2048),
        config.duration(KEEP_ALIVE, Duration.ofSeconds(10)),
        config.duration(FIRST_PULL_GRACE, Duration.ofSeconds(30)),
        config.duration(HEARTBEAT, Duration.ofSeconds(1)),
        images,
        config.string(DOCKER_HOST, "unix:///var/run/docker.sock"),
        config.string(NETWORK, "bridge"),
        config.integer(PREFETCH, 0),
        config.duration(START_TIMEOUT, Duration.ofSeconds(30)),
        config.duration(LOG_TIMEOUT, Duration.ofSeconds(2)),
        config.integer(METRICS_PORT, 0));
  }

  /** Parses {@code kind=image,kind=image}; kinds may contain ':' (as in {@code nodejs:20}), images may too. */
  static Map<String, String> parseImages(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) continue;
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new ConfigException(IMAGES, "expected kind=image pairs separated by commas, got '" + e + "'");
      }
      out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
    }
    return out;
  }

  /** The image that runs {@code exec}: the blackbox's own image, else the one mapped to its kind. */
  public Optional<String> imageFor(Exec exec) {
    if (exec.isBlackbox()) return Optional.ofNullable(exec.image()).filter(s -> !s.isBlank());
    return Optional.ofNullable(images.get(exec.kind()));
  }

  /** The keep-alive of an action: its {@code keepAlive} annotation (milliseconds) if valid, else the default. */
  public Duration keepAliveFor(Map<String, com.fasterxml.jackson.databind.JsonNode> annotations) {
    var v = annotations.get(KEEP_ALIVE_ANNOTATION);
    if (v != null && v.canConvertToLong() && v.asLong() > 0) return Duration.ofMillis(v.asLong());
    return keepAlive;
  }

  /** As in OpenWhisk, {@code /init} may take as long as the action's time limit. */
  public Duration initTimeout(ActionLimits limits) {
    return Duration.ofMillis(limits.timeout());
  }

  /** The action's time limit; when it passes, the activation is a developer error and the container is destroyed. */
  public Duration runTimeout(ActionLimits limits) {
    return Duration.ofMillis(limits.timeout());
  }

  /** Records a container pulls per poll: the configured prefetch, or the action's concurrency. */
  public int maxPollRecords(ActionLimits limits) {
    return prefetch > 0 ? prefetch : limits.concurrency();
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) throw new ConfigException(key, "must be a positive duration");
  }

  private static Map<String, String> defaultImages() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : new String[] {"nodejs:20", "nodejs", "nodejs:default"}) m.put(k, "kwhisk/action-nodejs-v20:latest");
    for (String k : new String[] {"java:17", "java", "java:default"}) m.put(k, "kwhisk/action-java-v17:latest");
    return Map.copyOf(m);
  }
}
