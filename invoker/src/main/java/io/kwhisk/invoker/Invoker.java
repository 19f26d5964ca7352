package io.kwhisk.invoker;

import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.DockerContainerRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.pool.CommandFeed;
import io.kwhisk.invoker.pool.ContainerPool;
import io.kwhisk.invoker.proxy.ActivationFeed;
import io.kwhisk.invoker.proxy.ContainerProxy;
import io.kwhisk.invoker.proxy.HttpActionContainer;
import io.kwhisk.invoker.publish.KafkaPublisher;
import io.kwhisk.invoker.publish.Publisher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running invoker: its container pool (an actor system whose guardian is the pool), the Kafka feed of its commands,
 * its producer and its Docker runtime. {@link #start} returns once the invoker reads its topic; {@link #close} is
 * graceful: no more commands, running activations finish and are published, containers are removed, the proxies
 * leave their groups. Embeddable: the standalone launcher starts one in its own JVM.
 */
public final class Invoker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Invoker.class);
  private static final Duration SHUTDOWN = Duration.ofSeconds(60);

  private final InvokerConfig config;
  private final ContainerRuntime runtime;
  private final Publisher publisher;
  private final InvokerMetrics metrics;
  private final ActorSystem<ContainerPool.Command> system;
  private final CommandFeed commands;
  private final HttpServer metricsServer;

  private Invoker(InvokerConfig config, ContainerRuntime runtime, Publisher publisher, InvokerMetrics metrics,
      ActorSystem<ContainerPool.Command> system, CommandFeed commands, HttpServer metricsServer) {
    this.config = config;
    this.runtime = runtime;
    this.publisher = publisher;
    this.metrics = metrics;
    this.system = system;
    this.commands = commands;
    this.metricsServer = metricsServer;
  }

  public static Invoker start(InvokerConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return start(config, new InvokerMetrics(registry), Clock.systemUTC());
  }

  /** Starts an invoker; if any part fails to start, the parts already started are closed before it throws. */
  public static Invoker start(InvokerConfig config, InvokerMetrics metrics, Clock clock) {
    long began = System.nanoTime();
    List<AutoCloseable> started = new ArrayList<>();
    try {
      ContainerRuntime runtime =
          DockerContainerRuntime.create(config.dockerHost(), config.network(), config.containerStartTimeout());
      started.add(runtime);
      removeLeftovers(runtime, config.invokerId());
      ensureCommandTopic(config);
      Publisher publisher = new KafkaPublisher(config.kafka(), config.invokerId());
      started.add(publisher);
      ContainerProxy.Deps deps = new ContainerProxy.Deps(config, runtime,
          HttpActionContainer.factory(HttpActionContainer.newClient()), ActivationFeed.factory(config.kafka()),
          publisher, metrics, clock);
      ActorSystem<ContainerPool.Command> system =
          ActorSystem.create(ContainerPool.create(deps), "kwhisk-invoker" + config.invokerId(), pekkoConfig());
      started.add(system::terminate);
      CommandFeed commands = new CommandFeed(config.kafka(), config.invokerId(), system);
      started.add(commands);
      HttpServer metricsServer = config.metricsPort() > 0 ? metricsServer(config.metricsPort(), metrics) : null;
      log.info("Invoker {} started in {} ms ({} MB user memory, keep-alive {} ms)", config.invokerId(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), config.userMemoryMb(),
          config.keepAlive().toMillis());
      return new Invoker(config, runtime, publisher, metrics, system, commands, metricsServer);
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

  public InvokerConfig config() {
    return config;
  }

  public InvokerMetrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    commands.close();
    system.tell(ContainerPool.Shutdown.INSTANCE);
    try {
      system.getWhenTerminated().toCompletableFuture().get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("Invoker {} did not shut down gracefully in {} s; forcing", config.invokerId(), SHUTDOWN.toSeconds());
      system.terminate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      system.terminate();
    }
    removeLeftovers(runtime, config.invokerId());
    publisher.close();
    runtime.close();
    if (metricsServer != null) metricsServer.stop(0);
    log.info("Invoker {} stopped", config.invokerId());
  }

  /** Containers of an earlier run of this invoker id hold memory and may still pull work: remove them. */
  private static void removeLeftovers(ContainerRuntime runtime, int invokerId) {
    try {
      List<String> ids = runtime.list(Map.of(ContainerRuntime.INVOKER_LABEL, Integer.toString(invokerId)))
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (!ids.isEmpty()) log.info("Removing {} containers left by invoker {}", ids.size(), invokerId);
      CompletableFuture.allOf(ids.stream().map(id -> runtime.remove(id).toCompletableFuture())
          .toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while removing leftover containers", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot remove leftover containers of invoker " + invokerId, e);
    }
  }

  /** The invoker's command topic must exist before its feed fixes its position at the end. */
  private static void ensureCommandTopic(InvokerConfig config) {
    String topic = Topics.invokerTopic(config.invokerId());
    try (Admin admin = Admin.create(config.kafka().clientConfig("invoker" + config.invokerId() + "-admin"))) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer while creating " + topic, e);
    }
  }

  private static Config pekkoConfig() {
    return ConfigFactory.parseString(String.join("\n",
            "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
            "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
            "pekko.loglevel = INFO",
            "pekko.log-dead-letters-during-shutdown = off",
            // close() is the graceful path; a JVM hook would race it.
            "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
        .withFallback(ConfigFactory.load());
  }

  /** Prometheus scrape endpoint on {@code /metrics}: the JDK's server, one thread, off the actor dispatchers. */
  private static HttpServer metricsServer(int port, InvokerMetrics metrics) {
    if (!(metrics.registry() instanceof PrometheusMeterRegistry prometheus)) return null;
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }
}
