package io.kwhisk.invoker;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.kafka.Replication;
import io.kwhisk.common.metrics.JvmMeters;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.code.CodeCache;
import io.kwhisk.invoker.docker.ActionNetworkSetup;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.DockerContainerRuntime;
import io.kwhisk.invoker.health.MetricsServer;
import io.kwhisk.invoker.health.ReadinessEndpoint;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.pool.CommandFeed;
import io.kwhisk.invoker.pool.ContainerPool;
import io.kwhisk.invoker.prewarm.PrewarmingRuntime;
import io.kwhisk.invoker.proxy.ActivationFeed;
import io.kwhisk.invoker.proxy.HttpActionContainer;
import io.kwhisk.invoker.proxy.LogCollectors;
import io.kwhisk.invoker.proxy.ProxyDeps;
import io.kwhisk.invoker.publish.KafkaPublisher;
import io.kwhisk.invoker.publish.Publisher;
import io.kwhisk.invoker.push.PushMode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running invoker: its container pool (an actor system whose guardian is the pool), the Kafka
 * feed of its commands, its producer and its Docker runtime. {@link #start} returns once the
 * invoker reads its topic; {@link #close} is graceful: no more commands, running activations finish
 * and are published, containers are removed, the proxies leave their groups. Embeddable: the
 * standalone launcher starts one in its own JVM.
 */
public final class Invoker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Invoker.class);
  private static final Duration SHUTDOWN = Duration.ofSeconds(60);

  /**
   * Characters of out-of-line code an invoker keeps (one byte each in a Latin-1 String): two or
   * three of the largest actions (48 MB), or many ordinary zip actions, so their next containers
   * start without a Kafka read.
   */
  static final long CODE_CACHE_CHARS = 128L * 1024 * 1024;

  private final InvokerConfig config;
  private final ContainerRuntime runtime;
  private final Map<String, String> owner;
  private final Publisher publisher;
  private final InvokerMetrics metrics;
  private final ActorSystem<ContainerPool.Command> system;
  private final CommandFeed commands;
  private final MetricsServer metricsServer;

  /** Blocking HTTP calls to containers of concurrency 1 (see HttpActionContainer). */
  private final ExecutorService httpCalls;

  /** The baseline ("hash") mode's push pool and feed; null in kwhisk's mode. */
  private final PushMode push;

  /** The containers' log collectors and the thread that reads their log files. */
  private final LogCollectors logs;

  /** {@code /ready} and {@code /ping} on the metrics port, for an orchestrator's probes. */
  private final ReadinessEndpoint readiness;

  /**
   * The JVM's meters in the invoker's registry (see {@link JvmMeters}); closing stops their GC
   * listener.
   */
  private final AutoCloseable jvmMeters;

  private Invoker(
      InvokerConfig config,
      ContainerRuntime runtime,
      Map<String, String> owner,
      Publisher publisher,
      InvokerMetrics metrics,
      ActorSystem<ContainerPool.Command> system,
      CommandFeed commands,
      MetricsServer metricsServer,
      ExecutorService httpCalls,
      PushMode push,
      LogCollectors logs,
      ReadinessEndpoint readiness,
      AutoCloseable jvmMeters) {
    this.jvmMeters = jvmMeters;
    this.readiness = readiness;
    this.push = push;
    this.logs = logs;
    this.config = config;
    this.runtime = runtime;
    this.owner = owner;
    this.publisher = publisher;
    this.metrics = metrics;
    this.system = system;
    this.commands = commands;
    this.metricsServer = metricsServer;
    this.httpCalls = httpCalls;
  }

  public static Invoker start(InvokerConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return start(config, new InvokerMetrics(registry), Clock.systemUTC());
  }

  /**
   * Starts an invoker; if any part fails to start, the parts already started are closed before it
   * throws.
   */
  public static Invoker start(InvokerConfig config, InvokerMetrics metrics, Clock clock) {
    long began = System.nanoTime();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      AutoCloseable jvmMeters =
          JvmMeters.bindTo(metrics.registry()); // here, not in the catalog: tests make many
      started.add(jvmMeters);
      String clusterId = ensureCommandTopic(config);
      Map<String, String> owner = ownerLabels(config.invokerId(), clusterId);
      ActionNetworkSetup.prepare(config.network(), config.dockerHost());
      ContainerRuntime docker =
          DockerContainerRuntime.create(
              config.dockerHost(),
              config.network().name(),
              config.containerStartTimeout(),
              owner,
              config.hardening(),
              metrics,
              config.containerCreateParallelism());
      started.add(docker);
      removeLeftovers(docker, owner);
      ContainerRuntime runtime = docker;
      if (!config.prewarmStocks().isEmpty()) {
        runtime =
            new PrewarmingRuntime(
                docker,
                config.prewarmStocks(),
                metrics,
                "kwhisk"
                    + config.invokerId()
                    + "_"
                    + Long.toString(System.currentTimeMillis() % 1_679_616, 36));
        started.set(started.size() - 1, runtime); // closing it closes the Docker runtime
      }
      Publisher publisher =
          new KafkaPublisher(config.kafka(), config.invokerId()).withMeters(metrics.registry());
      started.add(publisher);
      ExecutorService httpCalls =
          HttpActionContainer.newCallPool("kwhisk-http-" + config.invokerId());
      started.add(httpCalls::shutdown);
      metrics.httpCallPool(httpCalls);
      LogCollectors logs =
          new LogCollectors(
              config.logSource(),
              runtime,
              config.logCollectionTimeout(),
              metrics,
              "kwhisk-logs-" + config.invokerId());
      started.add(logs);
      CodeCache code =
          new CodeCache(
              new CodeReader(config.kafka(), "kwhisk-code-" + config.invokerId()),
              CODE_CACHE_CHARS);
      started.add(code);
      ProxyDeps deps =
          new ProxyDeps(
              config.proxySettings(),
              runtime,
              HttpActionContainer.factory(
                  HttpActionContainer.newClient(), httpCalls, config.runtimeClient()),
              ActivationFeed.factory(config.kafka()),
              hashMode(config) ? PushMode.withoutHeartbeats(publisher) : publisher,
              logs,
              metrics,
              clock,
              code);
      ActorSystem<ContainerPool.Command> system =
          ActorSystem.create(
              ContainerPool.create(config.poolSettings(), deps),
              "kwhisk-invoker" + config.invokerId(),
              pekkoConfig());
      started.add(system::terminate);
      system.getWhenTerminated().thenRun(code::close); // only the system's proxies read code
      CommandFeed commands =
          new CommandFeed(config.kafka(), config.invokerId(), system)
              .withMeters(metrics.registry());
      started.add(commands);
      ReadinessEndpoint readiness = new ReadinessEndpoint();
      MetricsServer metricsServer =
          config.metricsPort() > 0
              ? MetricsServer.start(config.metricsPort(), metrics.registry(), readiness)
              : null;
      if (metricsServer != null) started.add(metricsServer);
      log.info(
          "Invoker {} of cluster {} started in {} ms ({} MB user memory, {} MB of it prewarm {}; keep-alive {} ms,"
              + " pause grace {} ms, eviction grace {} ms)",
          config.invokerId(),
          clusterId,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
          config.userMemoryMb(),
          config.userMemoryMb() - config.poolMemoryMb(),
          config.prewarm(),
          config.keepAlive().toMillis(),
          config.pauseGrace().toMillis(),
          config.evictionGrace().toMillis());
      PushMode push =
          hashMode(config)
              ? PushMode.start(config.kafka(), config.poolSettings(), deps, publisher, system)
              : null;
      if (push != null) started.add(push);
      readiness.watch("command feed", commands::alive);
      if (push != null) readiness.watch("push feed", push::alive);
      readiness.ready();
      return new Invoker(
          config,
          runtime,
          owner,
          publisher,
          metrics,
          system,
          commands,
          metricsServer,
          httpCalls,
          push,
          logs,
          readiness,
          jvmMeters);
    } catch (RuntimeException e) {
      Collections.reverse(started);
      for (AutoCloseable c : started) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static boolean hashMode(InvokerConfig config) {
    return config.scheduling() == SchedulingMode.HASH;
  }

  public InvokerConfig config() {
    return config;
  }

  public InvokerMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    readiness.stopping();
    if (push != null) push.close();
    commands.close();
    system.tell(ContainerPool.Shutdown.INSTANCE);
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn(
          "Invoker {} did not shut down gracefully in {} s; forcing",
          config.invokerId(),
          SHUTDOWN.toSeconds());
      system.terminate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
    }
    logs.close();
    removeLeftovers(runtime, owner);
    publisher.close();
    runtime.close();
    httpCalls.shutdown();
    if (metricsServer != null) metricsServer.close();
    try {
      jvmMeters.close();
    } catch (Exception e) {
      log.warn(
          "Unbinding the JVM meters of invoker {} failed: {}", config.invokerId(), e.toString());
    }
    log.info("Invoker {} stopped", config.invokerId());
  }

  /**
   * The labels that mark a container as this invoker's: its id and its Kafka cluster's id. Clean-up
   * matches both, so another kwhisk on the same engine (another cluster, maybe the same invoker id)
   * keeps its containers.
   */
  static Map<String, String> ownerLabels(int invokerId, String clusterId) {
    return Map.of(
        ContainerRuntime.INVOKER_LABEL,
        Integer.toString(invokerId),
        ContainerRuntime.CLUSTER_LABEL,
        clusterId);
  }

  /**
   * Containers of an earlier run of this invoker (same id, same cluster) hold memory and may still
   * pull work.
   */
  private static void removeLeftovers(ContainerRuntime runtime, Map<String, String> owner) {
    try {
      List<String> ids = runtime.list(owner).toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (!ids.isEmpty()) log.info("Removing {} containers left by invoker {}", ids.size(), owner);
      CompletableFuture.allOf(
              ids.stream()
                  .map(id -> runtime.remove(id).toCompletableFuture())
                  .toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while removing leftover containers", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot remove leftover containers of invoker " + owner, e);
    }
  }

  /**
   * The invoker's command topic must exist before its feed fixes its position at the end. Returns
   * the Kafka cluster's id, which labels this invoker's containers.
   */
  private static String ensureCommandTopic(InvokerConfig config) {
    String topic = Topics.invokerTopic(config.invokerId());
    try (Admin admin =
        Admin.create(config.kafka().clientConfig("invoker" + config.invokerId() + "-admin"))) {
      try {
        admin
            .createTopics(
                List.of(
                    Replication.discover(admin, Replication.AUTO, Duration.ofSeconds(30))
                        .newTopic(topic, 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException(
              "cannot create topic " + topic + ": " + e.getCause(), e.getCause());
        }
      }
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the Kafka cluster id: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer while creating " + topic, e);
    }
  }

  private static Config pekkoConfig() {
    return ConfigFactory.parseString(
            String.join(
                "\n",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.loglevel = INFO",
                // The timer wheel's thread wakes every tick, timers due or not (10 ms by default:
                // ~1% of a core idle);
                // delays are rounded up to whole ticks, and nothing here needs less than 50 ms.
                "pekko.scheduler.tick-duration = 50ms",
                "pekko.log-dead-letters-during-shutdown = off",
                // close() is the graceful path; a JVM hook would race it.
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
        .withFallback(ConfigFactory.load());
  }
}
