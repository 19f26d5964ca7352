package io.kwhisk.invoker;

import static io.kwhisk.common.config.ConfigChecks.requireNotNegative;
import static io.kwhisk.common.config.ConfigChecks.requirePositive;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.invoker.docker.ActionNetwork;
import io.kwhisk.invoker.docker.ContainerHardening;
import io.kwhisk.invoker.docker.DockerContainerRuntime;
import io.kwhisk.invoker.pool.PoolSettings;
import io.kwhisk.invoker.prewarm.PrewarmingRuntime;
import io.kwhisk.invoker.proxy.HttpActionContainer;
import io.kwhisk.invoker.proxy.LogSource;
import io.kwhisk.invoker.proxy.ProxySettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an invoker is configured with, read once at start-up by {@link #from(ConfigSource)}
 * and validated here; errors name the key. Nothing else in the invoker reads configuration.
 *
 * @param firstPullGrace how long a new container waits for its first activation before its
 *     keep-alive applies: joining a share group takes time, and the container was created for
 *     activations that wait
 * @param prefetch records one share consumer of a container pulls per poll; 0 (the default) means
 *     "the action's concurrency limit, raised for short actions by {@code prefetchBudget}". A
 *     consumer polls again only when every record of its last poll is acknowledged, so a container
 *     runs {@code concurrency / prefetch} consumers ("lanes"): with the default one lane pulls
 *     batches, with 1 every slot pulls on its own and a busy container keeps pulling while earlier
 *     activations run. A prefetch above the concurrency limit queues the surplus in the container,
 *     which runs it as slots free: every poll's acknowledgement is a durable write on the broker
 *     (~2 ms), so a container of concurrency 1 pulling one record per poll stays at a few hundred
 *     activations a second; pulling 16 shares that cost. The price: a container holds records
 *     another container could run, and a crashed container's batch returns only after the share
 *     lock times out
 * @param prefetchBudget with no prefetch configured, how much queued work one container may pull
 *     ahead: it pulls {@code budget / its typical run} records per poll, at least the action's
 *     concurrency and at most 32 (see {@code AdaptivePrefetch}). Default 25 ms: a 1 ms action pulls
 *     25 records a poll and drains several times faster, an action of 100 ms pulls one per slot; 0
 *     keeps every container at its concurrency
 * @param evictionGrace how long a container must have been idle before a creation that does not fit
 *     may evict it (0: at once). Default 100 ms: longer than the gap between two activations of a
 *     steady stream (acknowledge, poll, run), so a container in use is not thrown away, and short
 *     enough that a full invoker frees memory for a new action almost at once
 * @param pauseGrace how long an idle container runs at least before it is paused ({@code docker
 *     pause}, its processes frozen, its memory kept); 0 disables pausing. Default 1 s: a steady
 *     stream never pays the ~10 ms unpause, while an action called now and then does not burn CPU
 *     on its leftover timers between calls
 * @param pauseGraceMax how far a container's own call rate may stretch its pause grace: each
 *     container waits twice its typical idle gap, between {@code pauseGrace} and this (see {@code
 *     PauseGrace}), so an action called every few seconds is not paused and unpaused around every
 *     call. Default 10 s; equal to {@code pauseGrace} for a fixed grace
 * @param prewarm started but uninitialised containers to keep per kind ({@code nodejs:20=1}); none
 *     by default. A cold start of an action of that kind whose memory limit is {@code
 *     prewarmMemoryMb} takes one instead of creating a container, and it is replaced. Their memory
 *     is set apart from the user memory the pool hands out
 * @param scheduling {@code kwhisk} or {@code hash} (the baseline, see {@link SchedulingMode});
 *     controllers must use the same mode
 * @param runtimeClient how containers of concurrency 1 are called: {@code keep-alive} (each over
 *     its own persistent connection, the default) or {@code jdk} (the JDK HttpClient, the previous
 *     way, kept to compare the two)
 * @param logSource where containers' logs are read (containers of concurrency 1 only): {@code auto}
 *     (the default: each container's json log file when the engine writes one this process may
 *     read, else its followed log stream), {@code file} (files only) or {@code stream}. A file is
 *     read after each run, without a connection or a thread per container; a followed stream costs
 *     the engine ~1-2 ms of CPU per activation and a connection
 * @param logCollectionTimeout how long an activation's record waits for its logs (both sentinels)
 *     after its run; after that the record is written without them
 * @param apiHost the API's URL as action containers reach it ({@code kwhisk.invoker.api-host},
 *     exported to every container as {@code __OW_API_HOST}); empty: not set
 * @param hardening how action containers are confined ({@code kwhisk.invoker.container.*}, see
 *     {@link ContainerHardening})
 * @param network the Docker network of action containers and its isolation ({@code
 *     kwhisk.invoker.network*}, see {@link ActionNetwork}): by default {@code kwhisk-actions}, made
 *     and firewalled by the invoker at start
 * @param containerCreateParallelism containers this invoker creates and starts at once ({@code
 *     kwhisk.invoker.container-create-parallelism}, 1 to 64, default 16: where this machine's
 *     engine creates fastest, see BENCHMARKS.md); removals and the other engine calls have pools of
 *     their own and never wait for a creation
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
    ActionNetwork network,
    int prefetch,
    Duration prefetchBudget,
    Duration containerStartTimeout,
    Duration logCollectionTimeout,
    int metricsPort,
    Duration evictionGrace,
    Duration pauseGrace,
    Duration pauseGraceMax,
    Map<String, Integer> prewarm,
    long prewarmMemoryMb,
    SchedulingMode scheduling,
    HttpActionContainer.ClientKind runtimeClient,
    LogSource logSource,
    String apiHost,
    ContainerHardening hardening,
    int containerCreateParallelism) {

  public static final String ID = "kwhisk.invoker.id";
  public static final String USER_MEMORY = "kwhisk.invoker.user-memory-mb";
  public static final String KEEP_ALIVE = "kwhisk.invoker.keep-alive";
  public static final String FIRST_PULL_GRACE = "kwhisk.invoker.first-pull-grace";
  public static final String HEARTBEAT = "kwhisk.invoker.heartbeat-interval";
  public static final String IMAGES = "kwhisk.invoker.images";
  public static final String DOCKER_HOST = "kwhisk.invoker.docker-host";
  public static final String NETWORK = ActionNetwork.NAME;
  public static final String PREFETCH = "kwhisk.invoker.prefetch";
  public static final String PREFETCH_BUDGET = "kwhisk.invoker.prefetch-budget";
  public static final String START_TIMEOUT = "kwhisk.invoker.container-start-timeout";
  public static final String LOG_TIMEOUT = "kwhisk.invoker.log-collection-timeout";
  public static final String METRICS_PORT = "kwhisk.invoker.metrics-port";
  public static final String EVICTION_GRACE = "kwhisk.invoker.eviction-grace";
  public static final String PAUSE_GRACE = "kwhisk.invoker.pause-grace";
  public static final String PAUSE_GRACE_MAX = "kwhisk.invoker.pause-grace-max";
  public static final String PREWARM = "kwhisk.invoker.prewarm";
  public static final String PREWARM_MEMORY = "kwhisk.invoker.prewarm-memory-mb";
  public static final String SCHEDULING = "kwhisk.invoker.scheduling";
  public static final String RUNTIME_CLIENT = "kwhisk.invoker.runtime-client";
  public static final String LOG_SOURCE = "kwhisk.invoker.log-source";
  public static final String API_HOST = "kwhisk.invoker.api-host";
  public static final String CREATE_PARALLELISM = "kwhisk.invoker.container-create-parallelism";
  static final int MAX_CREATE_PARALLELISM = 64;

  public static final Map<String, String> DEFAULT_IMAGES = defaultImages();

  public InvokerConfig {
    Objects.requireNonNull(kafka, "kafka should not be null");
    requireNotNegative(ID, invokerId);
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
    if (dockerHost == null || dockerHost.isBlank())
      throw new ConfigException(DOCKER_HOST, "is required");
    Objects.requireNonNull(network, "network should not be null");
    if (prefetch < 0 || prefetch > ActionLimits.MAX_CONCURRENCY) {
      throw new ConfigException(
          PREFETCH,
          "must be between 0 (the action's concurrency) and "
              + ActionLimits.MAX_CONCURRENCY
              + ", got "
              + prefetch);
    }
    requireNotNegative(PREFETCH_BUDGET, prefetchBudget);
    requireNotNegative(EVICTION_GRACE, evictionGrace);
    requireNotNegative(PAUSE_GRACE, pauseGrace);
    Objects.requireNonNull(pauseGraceMax, PAUSE_GRACE_MAX + " should not be null");
    if (pauseGraceMax.compareTo(pauseGrace) < 0) {
      throw new ConfigException(
          PAUSE_GRACE_MAX,
          "must be at least " + PAUSE_GRACE + " (" + pauseGrace + "), got " + pauseGraceMax);
    }
    prewarm = Map.copyOf(Objects.requireNonNull(prewarm, "prewarm should not be null"));
    for (Map.Entry<String, Integer> e : prewarm.entrySet()) {
      if (!images.containsKey(e.getKey()))
        throw new ConfigException(PREWARM, "kind " + e.getKey() + " has no image");
      if (e.getValue() < 0)
        throw new ConfigException(PREWARM, "count of " + e.getKey() + " must be 0 or more");
    }
    if (prewarmMemoryMb < ActionLimits.MIN_MEMORY || prewarmMemoryMb > ActionLimits.MAX_MEMORY) {
      throw new ConfigException(
          PREWARM_MEMORY,
          "must be between "
              + ActionLimits.MIN_MEMORY
              + " and "
              + ActionLimits.MAX_MEMORY
              + " MB, got "
              + prewarmMemoryMb);
    }
    long reserved = prewarm.values().stream().mapToLong(n -> n * prewarmMemoryMb).sum();
    if (userMemoryMb - reserved < ActionLimits.MIN_MEMORY) {
      throw new ConfigException(
          PREWARM,
          "prewarm containers take "
              + reserved
              + " MB of the "
              + userMemoryMb
              + " MB user memory ("
              + USER_MEMORY
              + "), leaving less than "
              + ActionLimits.MIN_MEMORY
              + " MB for actions");
    }
    if (scheduling == null) throw new ConfigException(SCHEDULING, "must be kwhisk or hash");
    if (runtimeClient == null)
      throw new ConfigException(RUNTIME_CLIENT, "must be keep-alive or jdk");
    if (logSource == null) throw new ConfigException(LOG_SOURCE, "must be auto, file or stream");
    apiHost = apiHost == null ? "" : apiHost.trim();
    if (!apiHost.isEmpty() && !apiHost.matches("https?://[^\\s/]+(/\\S*)?")) {
      throw new ConfigException(
          API_HOST, "must be an http:// or https:// URL, got '" + apiHost + "'");
    }
    Objects.requireNonNull(hardening, "hardening should not be null");
    if (containerCreateParallelism < 1 || containerCreateParallelism > MAX_CREATE_PARALLELISM) {
      throw new ConfigException(
          CREATE_PARALLELISM,
          "must be between 1 and "
              + MAX_CREATE_PARALLELISM
              + ", got "
              + containerCreateParallelism);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ConfigException(
          METRICS_PORT, "must be a port number or 0 (off), got " + metricsPort);
    }
  }

  public static InvokerConfig from(ConfigSource config) {
    Map<String, String> images = new LinkedHashMap<>(DEFAULT_IMAGES);
    config.get(IMAGES).ifPresent(v -> images.putAll(parseImages(v)));
    Duration pauseGrace = config.duration(PAUSE_GRACE, Duration.ofSeconds(1));
    return new InvokerConfig(
        config.integer(ID, 0),
        KafkaSettings.from(config),
        config.longValue(USER_MEMORY, 2048),
        config.duration(KEEP_ALIVE, Duration.ofSeconds(10)),
        config.duration(FIRST_PULL_GRACE, Duration.ofSeconds(30)),
        config.duration(HEARTBEAT, Duration.ofSeconds(1)),
        images,
        config.string(DOCKER_HOST, "unix:///var/run/docker.sock"),
        ActionNetwork.from(config, config.string(API_HOST, "")),
        config.integer(PREFETCH, 0),
        config.duration(PREFETCH_BUDGET, Duration.ofMillis(25)),
        config.duration(START_TIMEOUT, Duration.ofSeconds(30)),
        config.duration(LOG_TIMEOUT, Duration.ofSeconds(2)),
        config.integer(METRICS_PORT, 0),
        config.duration(EVICTION_GRACE, Duration.ofMillis(100)),
        pauseGrace,
        config.duration(PAUSE_GRACE_MAX, max(pauseGrace, Duration.ofSeconds(10))),
        config.get(PREWARM).map(InvokerConfig::parsePrewarm).orElse(Map.of()),
        config.longValue(PREWARM_MEMORY, 256),
        config
            .get(SCHEDULING)
            .map(v -> SchedulingMode.parse(SCHEDULING, v))
            .orElse(SchedulingMode.KWHISK),
        config
            .get(RUNTIME_CLIENT)
            .map(v -> HttpActionContainer.ClientKind.parse(RUNTIME_CLIENT, v))
            .orElse(HttpActionContainer.ClientKind.KEEP_ALIVE),
        config.get(LOG_SOURCE).map(v -> LogSource.parse(LOG_SOURCE, v)).orElse(LogSource.AUTO),
        config.string(API_HOST, ""),
        ContainerHardening.from(config, config.longValue(USER_MEMORY, 2048)),
        config.integer(CREATE_PARALLELISM, DockerContainerRuntime.DEFAULT_CREATE_PARALLELISM));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /**
   * Parses {@code kind=image,kind=image}; kinds may contain ':' (as in {@code nodejs:20}), images
   * may too.
   */
  static Map<String, String> parseImages(String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) continue;
      int eq = e.indexOf('=');
      if (eq <= 0 || eq == e.length() - 1) {
        throw new ConfigException(
            IMAGES, "expected kind=image pairs separated by commas, got '" + e + "'");
      }
      out.put(e.substring(0, eq).trim(), e.substring(eq + 1).trim());
    }
    return out;
  }

  /** Parses {@code kind=count,kind=count}. */
  static Map<String, Integer> parsePrewarm(String value) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String entry : value.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) continue;
      int eq = e.lastIndexOf('=');
      try {
        if (eq <= 0) throw new NumberFormatException();
        out.put(e.substring(0, eq).trim(), Integer.parseInt(e.substring(eq + 1).trim()));
      } catch (NumberFormatException x) {
        throw new ConfigException(
            PREWARM, "expected kind=count pairs separated by commas, got '" + e + "'");
      }
    }
    return out;
  }

  /** The user memory the pool hands out to actions: all of it but what the prewarm stock holds. */
  public long poolMemoryMb() {
    return userMemoryMb - prewarm.values().stream().mapToLong(n -> n * prewarmMemoryMb).sum();
  }

  /** The prewarm stock per image (kinds sharing an image share their stock). */
  public List<PrewarmingRuntime.Stock> prewarmStocks() {
    Map<String, Integer> byImage = new LinkedHashMap<>();
    prewarm.forEach((kind, n) -> byImage.merge(images.get(kind), n, Integer::sum));
    return byImage.entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .map(
            e ->
                new PrewarmingRuntime.Stock(
                    e.getKey(), prewarmMemoryMb, e.getValue(), containerEnv(1)))
        .toList();
  }

  /**
   * The environment of a container of an action of {@code concurrency}, as OpenWhisk's container
   * factory sets it: {@code __OW_API_HOST} (when {@link #API_HOST} is set) and, above a concurrency
   * of 1, {@code __OW_ALLOW_CONCURRENT=true}.
   */
  public Map<String, String> containerEnv(int concurrency) {
    Map<String, String> env = new LinkedHashMap<>();
    if (!apiHost.isEmpty()) env.put("__OW_API_HOST", apiHost);
    if (concurrency > 1) env.put("__OW_ALLOW_CONCURRENT", "true");
    return env;
  }

  /**
   * The part of this configuration a container proxy reads (the keep-alive annotation, images,
   * timeouts).
   */
  public ProxySettings proxySettings() {
    return new ProxySettings(
        invokerId,
        images,
        containerEnv(1),
        containerEnv(ActionLimits.MAX_CONCURRENCY),
        keepAlive,
        firstPullGrace,
        prefetch,
        prefetchBudget,
        pauseGrace,
        pauseGraceMax,
        logCollectionTimeout);
  }

  /** The part of this configuration a container pool reads. */
  public PoolSettings poolSettings() {
    return new PoolSettings(
        invokerId, poolMemoryMb(), heartbeatInterval, evictionGrace, firstPullGrace);
  }

  private static Map<String, String> defaultImages() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : new String[] {"nodejs:20", "nodejs", "nodejs:default"})
      m.put(k, "kwhisk/action-nodejs-v20:latest");
    for (String k : new String[] {"java:17", "java", "java:default"})
      m.put(k, "kwhisk/action-java-v17:latest");
    for (String k : new String[] {"python:3", "python", "python:default"})
      m.put(k, "kwhisk/action-python-v3:latest");
    return Map.copyOf(m);
  }
}
