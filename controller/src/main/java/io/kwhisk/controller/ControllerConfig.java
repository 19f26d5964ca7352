package io.kwhisk.controller;

import static io.kwhisk.common.config.ConfigChecks.requireNotNegative;
import static io.kwhisk.common.config.ConfigChecks.requirePositive;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.Replication;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.keepalive.Policies;
import io.kwhisk.controller.activation.ActivationStoreSettings;
import io.kwhisk.controller.api.ApiSettings;
import io.kwhisk.controller.api.BlackboxImages;
import io.kwhisk.controller.api.server.ServerSettings;
import io.kwhisk.controller.throttle.AdmissionSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a controller is told at start-up, read once from a {@link ConfigSource} and checked
 * here: an invalid value fails the start with a {@link ConfigException} naming its key.
 *
 * @param id this controller's number; it names the {@code completed<id>} topic it reads
 * @param host interface the REST API binds to
 * @param port REST API port; 0 picks a free one (tests)
 * @param kafka how to reach the brokers
 * @param replicationFactor replication of the topics this controller creates (action topics, system
 *     topics); 0 (default): as many copies as the cluster has brokers, at most 3, with {@code
 *     min.insync.replicas} 2 at 3 ({@link io.kwhisk.common.kafka.Replication})
 * @param blockingWait how long a blocking invoke waits for its result before answering 202 with the
 *     id
 * @param maxPayloadBytes largest request body accepted (413 beyond)
 * @param kinds runtime kinds an action may declare
 * @param schedulerTick period of the scheduling loop
 * @param heartbeatTimeout an invoker silent for this long is offline
 * @param creationTimeout a container creation not seen in a heartbeat by then is forgotten (and may
 *     be retried)
 * @param scaleOutWait how long an activation may wait for a busy container of its action before the
 *     scheduler adds containers, once the action's typical run is known: an action gets as many
 *     containers as run its outstanding activations within this wait (see {@code
 *     io.kwhisk.controller.scheduler.SchedulingPolicy}); 0 sizes scale-out by count alone, a
 *     container per outstanding activation beyond the margin
 * @param activationStore where activation records are kept for GET /activations, and how long (keys
 *     {@code kwhisk.controller.activation-*}, see {@link ActivationStoreSettings})
 * @param keepAlivePolicy how long each action's idle containers are kept, and whether one is
 *     pre-warmed before its next likely call, decided per action from its idle times ({@code
 *     kwhisk.controller.keep-alive-policy}: {@code fixed:<window>}, {@code hybrid:<fallback>} or
 *     {@code hybrid:<fallback>:<least keep-alive>}, see {@link Policies#parse}); null ({@code
 *     invoker}, the default) leaves it to the invokers' {@code kwhisk.invoker.keep-alive}: the
 *     trace simulation chose {@code hybrid:4h:7m} (BENCHMARKS.md, issue 17), but the platform has
 *     not been measured with it yet. An action's own {@code keepAlive} annotation still wins on the
 *     invoker
 * @param admission the limits behind 429 answers (keys {@code kwhisk.controller.throttle.*})
 * @param scheduling {@code kwhisk} (default): activations go to the action's topic and the
 *     scheduler places containers; {@code hash}: the baseline that works like classic OpenWhisk,
 *     activations pushed to a home invoker chosen by hash (see {@code
 *     io.kwhisk.controller.hash.HomeInvoker}), no container placement here
 * @param schedulingPartitions with several controllers ({@code
 *     kwhisk.controller.throttle.controllers} above 1), the partitions of the scheduling topic over
 *     which they share the actions they schedule (see {@code
 *     io.kwhisk.controller.scheduler.SchedulingGroup}); used when the topic is created, so all
 *     controllers of a deployment must agree, and at least as many as controllers (more spreads the
 *     actions more evenly)
 * @param firesPerMinute trigger fires a namespace may make in a minute (OpenWhisk's {@code
 *     firesPerMinute}, 60 by default; 0: no limit); with several controllers each admits its share,
 *     as for the other limits
 * @param blackboxImages the images blackbox actions may run ({@code kwhisk.controller.blackbox.*},
 *     see {@link BlackboxImages}; by default any but the platform's own)
 * @param server TLS on the API listener and where {@code /metrics} is served ({@code
 *     kwhisk.controller.tls.*}, {@code kwhisk.controller.metrics-*}, see {@link ServerSettings}; by
 *     default plain HTTP, metrics on the API port)
 * @param startupTimeout how long start waits for each of its steps (the entities topic read, the
 *     scheduling topic made, interrupted sequences recorded, the listeners bound) before it fails;
 *     60 s by default
 */
public record ControllerConfig(
    int id,
    String host,
    int port,
    KafkaSettings kafka,
    short replicationFactor,
    Duration blockingWait,
    int maxPayloadBytes,
    Set<String> kinds,
    Duration schedulerTick,
    Duration heartbeatTimeout,
    Duration creationTimeout,
    Duration scaleOutWait,
    ActivationStoreSettings activationStore,
    KeepAlivePolicy keepAlivePolicy,
    AdmissionSettings admission,
    SchedulingMode scheduling,
    int schedulingPartitions,
    int firesPerMinute,
    BlackboxImages blackboxImages,
    ServerSettings server,
    Duration startupTimeout)
    implements ApiSettings {

  public static final String ID = "kwhisk.controller.id";
  public static final String HOST = "kwhisk.controller.host";
  public static final String PORT = "kwhisk.controller.port";
  public static final String REPLICATION = "kwhisk.controller.replication-factor";
  public static final String BLOCKING_WAIT = "kwhisk.controller.blocking-wait";
  public static final String MAX_PAYLOAD = "kwhisk.controller.max-payload-bytes";
  public static final String KINDS = "kwhisk.controller.kinds";
  public static final String TICK = "kwhisk.controller.scheduler-tick";
  public static final String HEARTBEAT_TIMEOUT = "kwhisk.controller.heartbeat-timeout";
  public static final String CREATION_TIMEOUT = "kwhisk.controller.creation-timeout";
  public static final String SCALE_OUT_WAIT = "kwhisk.controller.scale-out-wait";
  public static final String KEEP_ALIVE_POLICY = "kwhisk.controller.keep-alive-policy";
  public static final String SCHEDULING = "kwhisk.controller.scheduling";
  public static final String SCHEDULING_PARTITIONS = "kwhisk.controller.scheduling-partitions";
  public static final String FIRES_PER_MINUTE = "kwhisk.controller.throttle.fires-per-minute";
  public static final String STARTUP_TIMEOUT = "kwhisk.controller.startup-timeout";

  /**
   * Any Kafka client property, passed to every producer, consumer and admin client (security
   * settings, say).
   */

  /**
   * See {@code scaleOutWait} above: 25 ms, with at least two containers for an action busier than
   * one (BENCHMARKS.md, "Fewer, fuller containers by default": at 1 action x 10 users 0.60-0.97x
   * the platform CPU per activation of sizing by count, at 1.04-2.0x its throughput, in the same
   * rounds).
   */
  public static final Duration DEFAULT_SCALE_OUT_WAIT = Duration.ofMillis(25);

  /** See {@code keepAlivePolicy} above. */
  public static final String DEFAULT_KEEP_ALIVE_POLICY = "invoker";

  /**
   * The kinds the default invoker configuration maps to an image (see the contract), plus blackbox.
   */
  public static final Set<String> DEFAULT_KINDS =
      Set.of(
          "nodejs:20",
          "nodejs",
          "nodejs:default",
          "java:17",
          "java",
          "java:default",
          "python:3",
          "python",
          "python:default",
          "blackbox");

  public ControllerConfig {
    requireNotNegative(ID, id);
    if (host == null || host.isBlank()) throw new ConfigException(HOST, "must not be empty");
    if (port < 0 || port > 65535)
      throw new ConfigException(PORT, "must be a TCP port (0 for any free one), got " + port);
    Objects.requireNonNull(kafka, "kafka should not be null");
    if (replicationFactor < 0) {
      throw new ConfigException(
          REPLICATION,
          "must be 0 (as many as brokers, at most 3) or more, got " + replicationFactor);
    }
    requirePositive(BLOCKING_WAIT, blockingWait);
    if (maxPayloadBytes < 1024)
      throw new ConfigException(MAX_PAYLOAD, "must be at least 1024, got " + maxPayloadBytes);
    if (kinds == null || kinds.isEmpty())
      throw new ConfigException(KINDS, "must name at least one kind");
    kinds = Set.copyOf(kinds);
    requirePositive(TICK, schedulerTick);
    requirePositive(HEARTBEAT_TIMEOUT, heartbeatTimeout);
    requirePositive(CREATION_TIMEOUT, creationTimeout);
    requireNotNegative(SCALE_OUT_WAIT, scaleOutWait);
    Objects.requireNonNull(activationStore, "activationStore should not be null");
    Objects.requireNonNull(admission, "admission should not be null");
    if (scheduling == null) throw new ConfigException(SCHEDULING, "must be kwhisk or hash");
    Objects.requireNonNull(blackboxImages, "blackboxImages should not be null");
    Objects.requireNonNull(server, "server should not be null");
    if (server.metricsPort() != 0 && server.metricsPort() == port) {
      throw new ConfigException(
          ServerSettings.METRICS_PORT, "must differ from " + PORT + " (" + port + ")");
    }
    if (schedulingPartitions < admission.controllers() || schedulingPartitions > 1000) {
      throw new ConfigException(
          SCHEDULING_PARTITIONS,
          "must be from the number of controllers ("
              + admission.controllers()
              + ") to 1000, got "
              + schedulingPartitions);
    }
    if (firesPerMinute < 0) {
      throw new ConfigException(
          FIRES_PER_MINUTE, "must be 0 (no limit) or more, got " + firesPerMinute);
    }
    requirePositive(STARTUP_TIMEOUT, startupTimeout);
  }

  /** Reads every value from {@code source}, with the documented defaults. */
  public static ControllerConfig from(ConfigSource source) {
    int replication = source.integer(REPLICATION, Replication.AUTO);
    if (replication > Short.MAX_VALUE)
      throw new ConfigException(REPLICATION, "is too large: " + replication);
    int id = source.integer(ID, 0);
    return new ControllerConfig(
        id,
        source.string(HOST, "0.0.0.0"),
        source.integer(PORT, 3233),
        KafkaSettings.from(source),
        (short) replication,
        source.duration(BLOCKING_WAIT, Duration.ofSeconds(60)),
        source.integer(MAX_PAYLOAD, 1024 * 1024),
        source.get(KINDS).map(ControllerConfig::parseKinds).orElse(DEFAULT_KINDS),
        source.duration(TICK, Duration.ofMillis(50)),
        source.duration(HEARTBEAT_TIMEOUT, Duration.ofSeconds(5)),
        source.duration(CREATION_TIMEOUT, Duration.ofSeconds(30)),
        source.duration(SCALE_OUT_WAIT, DEFAULT_SCALE_OUT_WAIT),
        ActivationStoreSettings.from(source, id),
        parseKeepAlivePolicy(source.string(KEEP_ALIVE_POLICY, DEFAULT_KEEP_ALIVE_POLICY)),
        AdmissionSettings.from(source),
        source
            .get(SCHEDULING)
            .map(v -> SchedulingMode.parse(SCHEDULING, v))
            .orElse(SchedulingMode.KWHISK),
        source.integer(SCHEDULING_PARTITIONS, 16),
        source.integer(FIRES_PER_MINUTE, 60),
        BlackboxImages.from(source),
        ServerSettings.from(source),
        source.duration(STARTUP_TIMEOUT, Duration.ofSeconds(60)));
  }

  /** A copy listening on another port (the standalone launcher and tests use 0). */
  public ControllerConfig withPort(int newPort) {
    return new ControllerConfig(
        id,
        host,
        newPort,
        kafka,
        replicationFactor,
        blockingWait,
        maxPayloadBytes,
        kinds,
        schedulerTick,
        heartbeatTimeout,
        creationTimeout,
        scaleOutWait,
        activationStore,
        keepAlivePolicy,
        admission,
        scheduling,
        schedulingPartitions,
        firesPerMinute,
        blackboxImages,
        server,
        startupTimeout);
  }

  /** The policy {@code value} names; null for {@code invoker} (the invokers decide). */
  static KeepAlivePolicy parseKeepAlivePolicy(String value) {
    if (value.trim().equals("invoker")) return null;
    try {
      return Policies.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          KEEP_ALIVE_POLICY, e.getMessage() + "; or invoker, which leaves it to the invokers");
    }
  }

  static Set<String> parseKinds(String value) {
    List<String> names =
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    return names.stream().collect(Collectors.toUnmodifiableSet());
  }
}
