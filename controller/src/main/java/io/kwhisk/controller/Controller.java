package io.kwhisk.controller;

import io.kwhisk.controller.activation.ActivationStore;
import io.kwhisk.controller.activation.StoreMembership;
import io.kwhisk.controller.auth.Authenticator;
import io.kwhisk.controller.auth.Credentials;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.Ownership;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.scheduler.SchedulingGroup;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  private final StoreMembership membership;

  Controller(
      ControllerConfig config,
      Deque<AutoCloseable> resources,
      Authenticator auth,
      EntityStore store,
      ServerBinding binding,
      AtomicReference<SchedulerView> view,
      SchedulingGroup group,
      ActivationStore activations,
      StoreMembership membership) {
    this.config = config;
    this.membership = membership;
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
      return new ControllerStartup(config, metrics, resources).run();
    } catch (Exception | Error e) {
      closeAll(resources);
      throw e;
    }
  }

  /** The actions this controller schedules: all of them, unless several controllers share them. */
  public Ownership ownership() {
    return SchedulingGroup.ownershipOf(group);
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

  /**
   * This controller's view of the partitioned store's group (tests wait on it); empty in the other
   * modes.
   */
  public Optional<StoreMembership> storeMembership() {
    return Optional.ofNullable(membership);
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
}
