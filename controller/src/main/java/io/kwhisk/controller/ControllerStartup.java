package io.kwhisk.controller;

import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.metrics.JvmMeters;
import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.activation.ActivationStoreSettings;
import io.kwhisk.controller.activation.ActivationsFollower;
import io.kwhisk.controller.activation.DeadLetters;
import io.kwhisk.controller.activation.QueueDrain;
import io.kwhisk.controller.activation.StoreGroup;
import io.kwhisk.controller.activation.StoreMembership;
import io.kwhisk.controller.activation.StoreOwners;
import io.kwhisk.controller.api.ActionsApi;
import io.kwhisk.controller.api.ActivationsApi;
import io.kwhisk.controller.api.ApiRoutes;
import io.kwhisk.controller.api.StorePeers;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.api.packages.PackagesApi;
import io.kwhisk.controller.api.server.Listeners;
import io.kwhisk.controller.api.triggers.RulesApi;
import io.kwhisk.controller.api.triggers.TriggersApi;
import io.kwhisk.controller.api.web.WebActionsApi;
import io.kwhisk.controller.auth.Authenticator;
import io.kwhisk.controller.completion.CompletionFollower;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.entity.AlarmEntry;
import io.kwhisk.controller.entity.CodeStore;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.KafkaEntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import io.kwhisk.controller.kafka.KafkaReachability;
import io.kwhisk.controller.kafka.Producers;
import io.kwhisk.controller.kafka.ReaderHealth;
import io.kwhisk.controller.kafka.TopicAdmin;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.HealthFollower;
import io.kwhisk.controller.scheduler.KafkaInvokerCommands;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.scheduler.SchedulingGroup;
import io.kwhisk.controller.sequence.SequenceRecovery;
import io.kwhisk.controller.throttle.Admission;
import io.kwhisk.controller.throttle.KafkaLagSource;
import io.kwhisk.controller.throttle.LagRefresher;
import io.kwhisk.controller.trigger.AlarmClock;
import io.kwhisk.controller.trigger.FireRate;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's start sequence, one step per method in the order they run: its Kafka clients and
 * entities, the activation records, the scheduler, admission, the completions, the recovery of what
 * a previous run left unfinished, then the API. Every step pushes what it starts onto {@code
 * resources}, so that {@link Controller#close} stops them in reverse order, and so does a failed
 * start. Each wait is bounded by {@code kwhisk.controller.startup-timeout}, except the copy of the
 * completions topic into an empty store, which start leaves running after {@link
 * #COMPLETIONS_CATCH_UP}.
 */
final class ControllerStartup {
  private static final Logger log = LoggerFactory.getLogger(ControllerStartup.class);

  /**
   * How long start waits for the completions topic to be copied into an empty activation store: it
   * may hold 24 h of records, and the API need not wait for all of them (the follower goes on).
   */
  private static final Duration COMPLETIONS_CATCH_UP = Duration.ofSeconds(30);

  /** How often the alarm clock looks for due alarm triggers. */
  private static final Duration ALARM_PERIOD = Duration.ofMillis(250);

  private final ControllerConfig config;
  private final ControllerMetrics metrics;
  private final Deque<AutoCloseable> resources;
  private final String name;
  private final Duration timeout;
  private final Clock clock = Clock.systemUTC();
  private final ReaderHealth readers = new ReaderHealth();
  private final AtomicReference<SchedulerView> view = new AtomicReference<>(SchedulerView.EMPTY);

  private TopicAdmin topics;
  private RecordSender publisher;
  private KafkaEntityStore store;
  private Authenticator auth;
  private ActivationStore activationStore;
  private KafkaInvokerCommands commands;
  private SchedulingGroup group;
  private ActorSystem<Scheduler.Command> system;
  private Admission admission;
  private Waiters waiters;
  private QueueDrain queueDrain;
  private StoreMembership membership;

  ControllerStartup(
      ControllerConfig config, ControllerMetrics metrics, Deque<AutoCloseable> resources) {
    this.config = config;
    this.metrics = metrics;
    this.resources = resources;
    this.name = "controller" + config.id();
    this.timeout = config.startupTimeout();
  }

  Controller run() throws Exception {
    kafkaAndEntities();
    activationRecords();
    scheduler();
    admission();
    completions();
    recover();
    return api();
  }

  private void kafkaAndEntities() throws Exception {
    push(JvmMeters.bindTo(metrics.registry())); // here, not in the catalog: tests make many
    topics = push(new TopicAdmin(config.kafka(), name + "-admin", config.replicationFactor()));
    topics.ensureSystemTopics(config.id(), config.activationStore().retention());
    publisher =
        push(
            new RecordSender(
                    Producers.create(config.kafka(), name + "-producer"),
                    name + "-producer",
                    RecordSender.bufferBytes(config.kafka().clientConfig(name + "-producer")))
                .withMeters(metrics.registry()));
    readers.withClientMeters(metrics.registry()); // before the first reader starts
    store =
        push(
            KafkaEntityStore.open(config.kafka(), publisher, name + "-entities", timeout, readers));
    auth = new Authenticator(store, clock);
    metrics.readers(readers::down);
    push(
        new DeadLetters(
                config.kafka(),
                name + "-dead-letters",
                publisher,
                store,
                readers,
                metrics::deadLetters,
                clock)
            .start());
  }

  private void activationRecords() throws Exception {
    // Pushed before its writers (the followers) and readers (the API): closed after them.
    activationStore = push(config.activationStore().open());
    metrics.activationStore(activationStore::stored, activationStore::dropped);
    if (config.activationStore().partitioned()) {
      // The other controllers' records stay with them; the group that adopts the topics of those
      // gone joins once the API is bound (its URL goes with it), see storeGroup.
      membership = new StoreMembership(config.id());
      return;
    }
    push(
        new ActivationsFollower(config.kafka(), name + "-activations", config.id(), activationStore)
            .watchedBy(readers, "activations")
            .start());
  }

  /**
   * Partitioned store: joins the group of the controllers' stores, with the URL the others forward
   * reads to. Pushed after the API's binding, so it is closed first: the others adopt this
   * controller's completions topic while its API drains.
   */
  private void storeGroup(ServerBinding binding) {
    if (membership == null) return;
    URI url =
        config
            .activationStore()
            .advertisedUrl()
            .orElseGet(() -> advertised(binding.localAddress().getPort()));
    push(
        new StoreGroup(
                config.kafka(),
                name + "-store-group",
                new StoreOwners.Member(config.id(), url.toString()),
                activationStore,
                membership,
                config.activationStore().sessionTimeout())
            .watchedBy(readers, "store-group")
            .start());
    log.info(
        "controller {} keeps its own activation records, peers reach it at {}", config.id(), url);
  }

  /** The API's address when none is advertised: its bind host (this host's name for any). */
  private URI advertised(int port) {
    String host = config.host();
    try {
      if (InetAddress.getByName(host).isAnyLocalAddress())
        host = InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      log.warn("cannot resolve {}: set {}", host, ActivationStoreSettings.ADVERTISED_URL);
    }
    if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
    return URI.create(
        (config.server().tls().isPresent() ? "https" : "http") + "://" + host + ":" + port);
  }

  private void scheduler() throws Exception {
    commands = new KafkaInvokerCommands(publisher, topics);
    Scheduler.Settings settings =
        new Scheduler.Settings(
            config.id(),
            config.schedulerTick(),
            config.heartbeatTimeout(),
            config.creationTimeout(),
            Scheduler.ACTIVATION_GRACE,
            config.scaleOutWait(),
            config.keepAlivePolicy());
    if (config.admission().controllers() > 1 && config.scheduling() == SchedulingMode.KWHISK) {
      topics
          .ensureTopic(SchedulingGroup.TOPIC, config.schedulingPartitions())
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      group = push(new SchedulingGroup(config.kafka(), name + "-scheduling", publisher));
    }
    ActorSystem<Scheduler.Command> started =
        ActorSystem.create(
            group == null
                ? Scheduler.create(settings, commands, clock, view)
                : Scheduler.create(settings, commands, clock, view, group.initial(), group),
            name,
            PekkoSettings.of(config));
    system = started;
    resources.push(
        () -> {
          started.terminate();
          started.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    if (group != null) {
      // Closed before the actor system: it leaves the group, so the others take this one's actions
      // over at once.
      SchedulingGroup joined = group.start(system);
      resources.push(joined::close);
    }
  }

  private void admission() throws Exception {
    admission =
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
    KafkaLagSource lags =
        push(new KafkaLagSource(config.kafka(), name + "-lag", KafkaLagSource.TIMEOUT_MS));
    push(new LagRefresher(admission, lags, name + "-lag").start(config.admission().lagRefresh()));
    metrics.lagView(admission::activeActions, admission::totalBacklog);
  }

  private void completions() throws Exception {
    waiters = new Waiters(Waiters.REMEMBERED);
    ActorSystem<Scheduler.Command> scheduler = system;
    CompletionFollower completions =
        push(
            new CompletionFollower(
                    config.kafka(),
                    config.id(),
                    activationStore,
                    waiters,
                    (CompletionMessage m) -> {
                      admission.completed(m.activationId());
                      metrics.activationCompleted(m.record().response().statusCode());
                      scheduler.tell(Scheduler.Completed.of(m));
                    })
                .watchedBy(readers, "completions")
                .start());
    push(
        new HealthFollower(config.kafka(), name + "-health", system)
            .watchedBy(readers, "health")
            .start());
    metrics.gauges(() -> view.get().healthy().size(), waiters::waiting);
    try {
      completions.ready().get(COMPLETIONS_CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("controller {} still copies its completions topic into its store", config.id());
    }
  }

  /**
   * Before the API takes requests: the sequences this id's previous run did not finish get their
   * records, and the drains of deleted actions' queues that a controller left unfinished are
   * followed, to be adopted.
   */
  private void recover() throws Exception {
    int interrupted =
        SequenceRecovery.recover(
            config.kafka(), name + "-sequences", config.id(), publisher, clock, timeout);
    if (interrupted > 0)
      log.info("controller {} recorded {} interrupted sequences", config.id(), interrupted);
    // Follows the drains of deleted actions' queues: those of the actions this controller owns
    // whose controller died or stopped mid-drain (here too, before a restart) it finishes.
    queueDrain =
        push(
            new QueueDrain(
                    config.kafka(),
                    config.id(),
                    name + "-drain",
                    publisher,
                    topics,
                    store,
                    metrics::deletedQueued,
                    clock)
                .follow(readers, this::owns));
  }

  /** True when this controller schedules {@code path}: always, unless several share the actions. */
  private boolean owns(String path) {
    return SchedulingGroup.ownershipOf(group).owns(path);
  }

  private Controller api() throws Exception {
    PackageResolver resolver = new PackageResolver(store);
    CodeStore code = push(new CodeStore(publisher, new CodeReader(config.kafka(), name + "-code")));
    ActionsApi actions =
        new ActionsApi(
            config,
            store,
            topics,
            publisher,
            push(
                new KafkaReachability(
                        () -> topics.writable(Duration.ofSeconds(1)),
                        System::nanoTime,
                        KafkaReachability.PATIENCE)
                    .start()),
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
        new AlarmClock(
                () -> store.list(EntityKeys.ALARM, AlarmEntry.class),
                this::owns,
                triggers::fireAlarm,
                clock)
            .start(ALARM_PERIOD));
    WebActionsApi web = new WebActionsApi(store, resolver, actions, config.blockingWait());
    ApiRoutes routes =
        new ApiRoutes(
            auth,
            actions,
            new ActivationsApi(
                activationStore, membership == null ? null : new StorePeers(system, membership)),
            packages,
            triggers,
            rules,
            web,
            metrics,
            config.maxPayloadBytes(),
            readers);
    Listeners listeners = new Listeners(config.server());
    ServerBinding metricsBinding =
        listeners
            .bindMetrics(system, metrics)
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (metricsBinding != null)
      resources.push(() -> metricsBinding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS));
    ServerBinding binding =
        listeners
            .bindApi(system, config.host(), config.port(), routes.routes())
            .toCompletableFuture()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    // Stopping (SIGTERM) unbinds at once, then gives the requests in flight until the blocking wait
    // ends to get their answers (a record, or 202 with the id) before anything they need is
    // closed; new requests on open connections meanwhile answer 503.
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
    storeGroup(binding);
    return new Controller(
        config, resources, auth, store, binding, view, group, activationStore, membership);
  }

  private <T extends AutoCloseable> T push(T resource) {
    resources.push(resource);
    return resource;
  }
}
