package io.kwhisk.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.metrics.JvmMeters;
import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.activation.ActivationsFollower;
import io.kwhisk.controller.activation.DeadLetters;
import io.kwhisk.controller.activation.QueueDrain;
import io.kwhisk.controller.api.ActionPut;
import io.kwhisk.controller.api.ActionsApi;
import io.kwhisk.controller.api.ActivationsApi;
import io.kwhisk.controller.api.ApiRoutes;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.api.packages.PackagesApi;
import io.kwhisk.controller.api.server.Listeners;
import io.kwhisk.controller.api.triggers.RulesApi;
import io.kwhisk.controller.api.triggers.TriggersApi;
import io.kwhisk.controller.api.web.WebActionsApi;
import io.kwhisk.controller.auth.Authenticator;
import io.kwhisk.controller.auth.Credentials;
import io.kwhisk.controller.completion.CompletionFollower;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.entity.AlarmEntry;
import io.kwhisk.controller.entity.CodeStore;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.KafkaEntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import io.kwhisk.controller.kafka.Producers;
import io.kwhisk.controller.kafka.ReaderHealth;
import io.kwhisk.controller.kafka.TopicAdmin;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.HealthFollower;
import io.kwhisk.controller.scheduler.KafkaInvokerCommands;
import io.kwhisk.controller.scheduler.Ownership;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.scheduler.SchedulingGroup;
import io.kwhisk.controller.sequence.SequenceRecovery;
import io.kwhisk.controller.throttle.Admission;
import io.kwhisk.controller.throttle.KafkaLagSource;
import io.kwhisk.controller.throttle.LagRefresher;
import io.kwhisk.controller.trigger.AlarmClock;
import io.kwhisk.controller.trigger.FireRate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running controller: REST API, entity store, scheduler and the readers of its topics. {@link
 * #start} returns once the API is bound and the entity store holds everything the entities topic
 * held; {@link #close} stops everything it started, in reverse order. The standalone launcher
 * embeds it through this class only.
 */
public final class Controller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Controller.class);

  private final ControllerConfig config;
  private final Deque<AutoCloseable> resources;
  private final Authenticator auth;
  private final EntityStore store;
  private final ServerBinding binding;
  private final AtomicReference<SchedulerView> view;
  private final SchedulingGroup group;
  private final ActivationStore activations;

  private Controller(
      ControllerConfig config,
      Deque<AutoCloseable> resources,
      Authenticator auth,
      EntityStore store,
      ServerBinding binding,
      AtomicReference<SchedulerView> view,
      SchedulingGroup group,
      ActivationStore activations) {
    this.config = config;
    this.activations = activations;
    this.view = view;
    this.group = group;
    this.resources = resources;
    this.auth = auth;
    this.store = store;
    this.binding = binding;
  }

  public static Controller start(ControllerConfig config) throws Exception {
    return start(config, new ControllerMetrics());
  }

  /**
   * Starts a controller whose meters go to {@code metrics}' registry (a test's, or one the embedder
   * scrapes).
   */
  public static Controller start(ControllerConfig config, ControllerMetrics metrics)
      throws Exception {
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      return start(config, metrics, resources);
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
  }

  private static Controller start(
      ControllerConfig config, ControllerMetrics metrics, Deque<AutoCloseable> resources)
      throws Exception {
    String name = "controller" + config.id();
    Clock clock = Clock.systemUTC();
    push(
        resources,
        JvmMeters.bindTo(metrics.registry())); // here, not in the catalog: tests make many catalogs
    TopicAdmin topics =
        push(
            resources, new TopicAdmin(config.kafka(), name + "-admin", config.replicationFactor()));
    topics.ensureSystemTopics(config.id(), config.activationStore().retention());
    RecordSender publisher =
        push(
            resources,
            new RecordSender(
                    Producers.create(config.kafka(), name + "-producer"),
                    name + "-producer",
                    RecordSender.bufferBytes(config.kafka().clientConfig(name + "-producer")))
                .withMeters(metrics.registry()));
    ReaderHealth readers = new ReaderHealth();
    KafkaEntityStore store =
        push(
            resources,
            KafkaEntityStore.open(
                config.kafka(), publisher, name + "-entities", Duration.ofSeconds(60), readers));
    Authenticator auth = new Authenticator(store, clock);
    metrics.readers(readers::down);
    push(
        resources,
        new DeadLetters(
                config.kafka(),
                name + "-dead-letters",
                publisher,
                store,
                readers,
                metrics::deadLetters,
                clock)
            .start());

    // Pushed before its writers (the followers) and readers (the API): closed after them.
    ActivationStore activationStore = push(resources, config.activationStore().open());
    metrics.activationStore(activationStore::stored, activationStore::dropped);
    push(
        resources,
        new ActivationsFollower(config.kafka(), name + "-activations", config.id(), activationStore)
            .watchedBy(readers, "activations")
            .start());

    AtomicReference<SchedulerView> view = new AtomicReference<>(SchedulerView.EMPTY);
    KafkaInvokerCommands commands = new KafkaInvokerCommands(publisher, topics);
    Scheduler.Settings settings =
        new Scheduler.Settings(
            config.id(),
            config.schedulerTick(),
            config.heartbeatTimeout(),
            config.creationTimeout(),
            Duration.ofSeconds(60),
            config.scaleOutWait(),
            config.keepAlivePolicy());
    SchedulingGroup group = null;
    if (config.admission().controllers() > 1 && config.scheduling() == SchedulingMode.KWHISK) {
      topics
          .ensureTopic(SchedulingGroup.TOPIC, config.schedulingPartitions())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      group = push(resources, new SchedulingGroup(config.kafka(), name + "-scheduling", publisher));
    }
    ActorSystem<Scheduler.Command> system =
        ActorSystem.create(
            group == null
                ? Scheduler.create(settings, commands, clock, view)
                : Scheduler.create(settings, commands, clock, view, group.initial(), group),
            name,
            pekkoConfig(config));
    resources.push(
        () -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    if (group != null) {
      // Closed before the actor system: it leaves the group, so the others take this one's actions
      // over at once.
      SchedulingGroup joined = group.start(system);
      resources.push(joined::close);
    }

    Admission admission =
        new Admission(
            config.admission(),
            clock,
            action ->
                view.get()
                    .potentialContainers(
                        action.fqn().path(), action.limits().memory(), action.instances()),
            ns ->
                store
                    .namespace(ns)
                    .map(NamespaceEntry::concurrentInvocations)
                    .orElse(config.admission().namespaceConcurrency()),
            ns ->
                store
                    .namespace(ns)
                    .map(NamespaceEntry::invocationsPerMinute)
                    .orElse(config.admission().namespacePerMinute()));
    KafkaLagSource lags = push(resources, new KafkaLagSource(config.kafka(), name + "-lag", 5_000));
    push(
        resources,
        new LagRefresher(admission, lags, name + "-lag").start(config.admission().lagRefresh()));
    metrics.lagView(admission::activeActions, admission::totalBacklog);

    Waiters waiters = new Waiters(100_000);
    CompletionFollower completions =
        push(
            resources,
            new CompletionFollower(
                    config.kafka(),
                    config.id(),
                    activationStore,
                    waiters,
                    (CompletionMessage m) -> {
                      admission.completed(m.activationId());
                      metrics.activationCompleted(m.record().response().statusCode());
                      system.tell(Scheduler.Completed.of(m));
                    })
                .watchedBy(readers, "completions")
                .start());
    push(
        resources,
        new HealthFollower(config.kafka(), name + "-health", system)
            .watchedBy(readers, "health")
            .start());
    metrics.gauges(() -> view.get().healthy().size(), waiters::waiting);
    try {
      completions.ready().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // An empty activation store copies all the topic retains (24 h by default): the API need not
      // wait for that, the follower goes on.
      log.warn("controller {} still copies its completions topic into its store", config.id());
    }
    // Before the API takes requests: the sequences this id's previous run did not finish get their
    // records.
    int interrupted =
        SequenceRecovery.recover(
            config.kafka(),
            name + "-sequences",
            config.id(),
            publisher,
            clock,
            Duration.ofSeconds(30));
    if (interrupted > 0)
      log.info("controller {} recorded {} interrupted sequences", config.id(), interrupted);

    SchedulingGroup scheduling = group;
    Predicate<String> owns =
        path -> (scheduling == null ? Ownership.ALL : scheduling.ownership()).owns(path);
    // Follows the drains of deleted actions' queues: those of the actions this controller owns
    // whose controller died or stopped mid-drain (here too, before a restart) it finishes.
    QueueDrain queueDrain =
        push(
            resources,
            new QueueDrain(
                    config.kafka(),
                    config.id(),
                    name + "-drain",
                    publisher,
                    topics,
                    store,
                    metrics::deletedQueued,
                    clock)
                .follow(readers, owns));
    PackageResolver resolver = new PackageResolver(store);
    CodeStore code =
        push(resources, new CodeStore(publisher, new CodeReader(config.kafka(), name + "-code")));
    ActionsApi actions =
        new ActionsApi(
            config,
            store,
            topics,
            publisher,
            waiters,
            system,
            view::get,
            commands,
            metrics,
            admission,
            clock,
            resolver,
            queueDrain,
            code);
    PackagesApi packages = new PackagesApi(store, resolver, actions::delete, clock);
    TriggersApi triggers =
        new TriggersApi(
            store,
            resolver,
            actions,
            new FireRate(config.admission().share(config.firesPerMinute()), clock),
            clock);
    RulesApi rules = new RulesApi(store, resolver, triggers, clock);
    push(
        resources,
        new AlarmClock(
                () -> store.list(EntityKeys.ALARM, AlarmEntry.class),
                owns,
                triggers::fireAlarm,
                clock)
            .start(Duration.ofMillis(250)));
    WebActionsApi web = new WebActionsApi(store, resolver, actions, config.blockingWait());
    ApiRoutes routes =
        new ApiRoutes(
            auth,
            actions,
            new ActivationsApi(activationStore),
            packages,
            triggers,
            rules,
            web,
            metrics,
            config.maxPayloadBytes(),
            readers);
    Listeners listeners = new Listeners(config.server());
    ServerBinding metricsBinding =
        listeners.bindMetrics(system, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (metricsBinding != null)
      resources.push(() -> metricsBinding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ServerBinding binding =
        listeners
            .bindApi(system, config.host(), config.port(), routes.routes())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    // Stopping (SIGTERM) unbinds at once, then gives the requests in flight until the blocking wait
    // ends to get
    // their answers (a record, or 202 with the id) before anything they need is closed; new
    // requests on open
    // connections meanwhile answer 503.
    Duration drain = config.blockingWait().plusSeconds(5);
    // After the API stops (popped after the binding's drain): the sequences it accepted finish and
    // are recorded.
    resources.push(() -> actions.sequences().awaitRunning(drain));
    resources.push(
        () ->
            binding
                .terminate(drain)
                .toCompletableFuture()
                .get(drain.toSeconds() + 10, TimeUnit.SECONDS));
    log.info(
        "controller {} listening on {} ({}{})",
        config.id(),
        binding.localAddress(),
        config.server().tls().isPresent() ? "HTTPS" : "HTTP",
        metricsBinding == null ? "" : ", /metrics on " + metricsBinding.localAddress());
    return new Controller(config, resources, auth, store, binding, view, group, activationStore);
  }

  /**
   * Pekko's timer wheel wakes its thread every tick, timers due or not: 10 ms by default, about 1%
   * of a core per actor system on an idle host (measured: still a third of an idle standalone at 20
   * ms). No timer here needs a finer grain than 50 ms: delays are rounded up to whole ticks.
   */
  private static final String PEKKO_TICK = "50ms";

  private static Config pekkoConfig(ControllerConfig config) {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.loggers",
                java.util.List.of("org.apache.pekko.event.slf4j.Slf4jLogger"),
                "pekko.logging-filter",
                "org.apache.pekko.event.slf4j.Slf4jLoggingFilter",
                "pekko.loglevel",
                "INFO",
                "pekko.scheduler.tick-duration",
                PEKKO_TICK,
                // Each route checks its own limit (ApiRoutes.withBody); the server's must let the
                // largest through.
                "pekko.http.server.parsing.max-content-length",
                String.valueOf(Math.max(config.maxPayloadBytes(), ActionPut.MAX_BODY_BYTES)),
                "pekko.http.server.request-timeout",
                (config.blockingWait().toSeconds() + 30) + "s",
                "pekko.http.server.idle-timeout",
                (config.blockingWait().toSeconds() + 60) + "s",
                "pekko.coordinated-shutdown.exit-jvm",
                "off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook",
                "off"))
        .withFallback(ConfigFactory.load());
  }

  /** The actions this controller schedules: all of them, unless several controllers share them. */
  public Ownership ownership() {
    return group == null ? Ownership.ALL : group.ownership();
  }

  /** The port the API is bound to (the configured one, or the one picked when it was 0). */
  public int port() {
    return binding.localAddress().getPort();
  }

  /** What the scheduler knows now: healthy invokers, their containers, creations in flight. */
  public SchedulerView schedulerView() {
    return view.get();
  }

  /** The activation records this controller answers from (tests read its counts). */
  public ActivationStore activations() {
    return activations;
  }

  public ControllerConfig config() {
    return config;
  }

  /**
   * Creates {@code namespace} with generated credentials unless it exists; returns the credentials
   * ({@code uuid:key}) only when it created them now, as the store keeps just a hash of the key.
   * Blocks until the write is durable.
   */
  public Optional<String> ensureNamespace(String namespace) throws Exception {
    return auth.ensureNamespace(namespace)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS)
        .map(Credentials::pair);
  }

  /**
   * Makes {@code credentials} ({@code uuid:key}) the key of {@code namespace}, creating it if
   * needed.
   */
  public void registerNamespace(String namespace, String credentials) throws Exception {
    Credentials parsed =
        Credentials.parse(credentials)
            .orElseThrow(() -> new IllegalArgumentException("credentials must be uuid:key"));
    auth.register(namespace, parsed).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * The concurrent-invocation limit that applies to {@code namespace} now: its own, or the default.
   */
  public int concurrencyLimit(String namespace) {
    return store
        .namespace(namespace)
        .map(NamespaceEntry::concurrentInvocations)
        .orElse(config.admission().namespaceConcurrency());
  }

  /** True when {@code namespace} exists. */
  public boolean hasNamespace(String namespace) {
    return store.namespace(namespace).isPresent();
  }

  @Override
  public void close() {
    log.info("controller {} stopping", config.id());
    closeAll(resources);
  }

  private static void closeAll(Deque<AutoCloseable> resources) {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        log.warn("error while stopping: {}", e.toString());
      }
    }
  }

  private static <T extends AutoCloseable> T push(Deque<AutoCloseable> resources, T resource) {
    resources.push(resource);
    return resource;
  }
}
