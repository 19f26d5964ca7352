package io.kwhisk.invoker.push;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.log.ActivationMdc;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.pool.PoolSettings;
import io.kwhisk.invoker.proxy.ContainerProxy;
import io.kwhisk.invoker.proxy.Delivery;
import io.kwhisk.invoker.proxy.ProxyDeps;
import io.kwhisk.invoker.publish.Publisher;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline ("hash") mode's container pool, after OpenWhisk's: activations pushed to this
 * invoker arrive as {@link Received}; {@link PushState#dispatch} decides where each runs, and this
 * actor carries the decisions out with the same {@link ContainerProxy} as kwhisk's mode, fed
 * through {@link PushSources} instead of a share group. Contract:
 *
 * <ol>
 *   <li>Every received activation is run once, or completed with a platform error when its kind has
 *       no image or {@link #MAX_ATTEMPTS} containers in a row gave it back (e.g. they failed to
 *       start); a graceful shutdown drops those still queued (logged), as OpenWhisk's does.
 *   <li>User memory is {@code poolMemoryMb} of the invoker's configuration, the same as kwhisk's
 *       mode; keep-alive, pausing and log collection are the proxy's, as in kwhisk's mode.
 *   <li>It publishes the invoker's heartbeat every interval and, at most every {@link
 *       #HEARTBEAT_DEBOUNCE}, after a change: controllers step to the next invoker when it shows no
 *       room.
 *   <li>On {@link Shutdown} it retires every container and stops when the last proxy stopped;
 *       {@code stopped} completes then.
 * </ol>
 */
public final class PushPool extends AbstractBehavior<PushPool.Command> {
  /**
   * For lines written off the actor thread (the producer's callbacks), where the context's logger
   * must not be used; every other line goes through {@code getContext().getLog()}, as in every
   * actor.
   */
  private static final Logger offActor = LoggerFactory.getLogger(PushPool.class);

  static final int MAX_ATTEMPTS = 3;
  static final Duration HEARTBEAT_DEBOUNCE = Duration.ofMillis(50);
  private static final Object HEARTBEAT = "heartbeat";
  private static final Object HEARTBEAT_SOON = "heartbeat-soon";

  /** The pool's protocol. */
  public sealed interface Command {}

  /** Activations read from the invoker's activation topic. */
  public record Received(List<PushedActivation> activations) implements Command {}

  /** Retire every container and stop when they are gone. */
  public enum Shutdown implements Command {
    INSTANCE
  }

  private record Acknowledged(String container, String activationId) implements Command {}

  private record Released(String container, String activationId) implements Command {}

  private record FromProxy(ContainerProxy.Event event) implements Command {}

  private record ProxyTerminated(String name) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum HeartbeatNow implements Command {
    INSTANCE
  }

  private record Assignment(String container, PushState.Pending pending) {}

  private final ProxyDeps deps;
  private final TimerScheduler<Command> timers;
  private final PushSources sources;
  private final ActorRef<ContainerProxy.Event> events;
  private final AtomicInteger queued;
  private final CompletableFuture<Void> stopped;
  private final int invokerId;
  private final Map<String, ActorRef<ContainerProxy.Command>> proxies = new HashMap<>();
  private final Map<String, Assignment> assigned = new HashMap<>();
  private final String run = Long.toString(System.currentTimeMillis() % 1_679_616, 36);
  private PushState state;
  private long sequence;
  private boolean shuttingDown;

  /**
   * @param base the invoker's proxy collaborators; their activation sources are replaced by the
   *     pool's mailboxes and their publisher by {@code publisher}
   * @param publisher writes completions, records and this invoker's heartbeats
   * @param queued updated with the number of queued activations, for the feed's back-pressure
   * @param stopped completed when the pool stopped
   */
  public static Behavior<Command> create(
      PoolSettings settings,
      ProxyDeps base,
      Publisher publisher,
      AtomicInteger queued,
      CompletableFuture<Void> stopped) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new PushPool(ctx, timers, settings, base, publisher, queued, stopped)));
  }

  private PushPool(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      PoolSettings settings,
      ProxyDeps base,
      Publisher publisher,
      AtomicInteger queued,
      CompletableFuture<Void> stopped) {
    super(ctx);
    this.timers = timers;
    this.queued = queued;
    this.stopped = stopped;
    ActorRef<Command> self = ctx.getSelf();
    this.sources =
        new PushSources(
            new PushSources.Listener() {
              @Override
              public void acknowledged(String container, String activationId) {
                self.tell(new Acknowledged(container, activationId));
              }

              @Override
              public void released(String container, String activationId) {
                self.tell(new Released(container, activationId));
              }
            });
    this.deps =
        new ProxyDeps(
            base.settings(),
            base.runtime(),
            base.containers(),
            sources,
            publisher,
            base.logs(),
            base.metrics(),
            base.clock(),
            base.code());
    this.invokerId = settings.invokerId();
    this.state = PushState.empty(settings.memoryMb());
    this.events = ctx.messageAdapter(ContainerProxy.Event.class, FromProxy::new);
    timers.startTimerWithFixedDelay(HEARTBEAT, Tick.INSTANCE, settings.heartbeatInterval());
    publishHeartbeat();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(Acknowledged.class, this::onAcknowledged)
        .onMessage(Released.class, this::onReleased)
        .onMessage(FromProxy.class, this::onFromProxy)
        .onMessage(ProxyTerminated.class, m -> onProxyGone(m.name()))
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(HeartbeatNow.INSTANCE, this::onTick)
        .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onReceived(Received m) {
    for (PushedActivation work : m.activations()) {
      if (shuttingDown) {
        try (var mdc =
            ActivationMdc.put(work.activation().activationId(), work.action().fqn().path(), null)) {
          getContext()
              .getLog()
              .info(
                  "Dropping activation {}: the invoker is shutting down",
                  work.activation().activationId());
        }
      } else if (deps.settings().imageFor(work.action().exec()).isEmpty()) {
        fail(
            work,
            "There is no image for kind " + work.action().exec().kind() + " on this invoker.");
      } else {
        state = state.enqueue(new PushState.Pending(work, 0));
      }
    }
    return dispatch();
  }

  private Behavior<Command> onAcknowledged(Acknowledged m) {
    Assignment a = assigned.remove(m.activationId());
    if (a != null) state = state.finished(a.container(), deps.clock().millis());
    return dispatch();
  }

  private Behavior<Command> onReleased(Released m) {
    Assignment a = assigned.remove(m.activationId());
    if (a == null) return this;
    state = state.released(a.container());
    requeue(a.pending());
    return dispatch();
  }

  private Behavior<Command> onFromProxy(FromProxy m) {
    ContainerProxy.Event e = m.event();
    if (e instanceof ContainerProxy.Ready) {
      state = state.ready(e.name());
      heartbeatSoon();
      return this;
    }
    if (e instanceof ContainerProxy.Stopped) return onProxyGone(e.name());
    return this; // Busy and Idle: the pool counts in-flight activations itself
  }

  /**
   * The proxy stopped (normally after removing its container): activations it never finished run
   * elsewhere.
   */
  private Behavior<Command> onProxyGone(String name) {
    if (proxies.remove(name) == null) return this;
    for (String id : sources.unregister(name)) {
      Assignment a = assigned.remove(id);
      if (a != null) requeue(a.pending());
    }
    state = state.removed(name);
    dispatch();
    if (shuttingDown && proxies.isEmpty()) return Behaviors.stopped();
    return this;
  }

  private void requeue(PushState.Pending pending) {
    if (shuttingDown) {
      try (var mdc =
          ActivationMdc.put(pending.activationId(), pending.work().action().fqn().path(), null)) {
        getContext()
            .getLog()
            .info("Dropping activation {}: the invoker is shutting down", pending.activationId());
      }
    } else if (pending.attempts() + 1 >= MAX_ATTEMPTS) {
      fail(
          pending.work(),
          "The action's container failed " + MAX_ATTEMPTS + " times to run this activation.");
    } else {
      state = state.requeue(pending);
    }
  }

  /** Carries out {@link PushState#dispatch}. */
  private Behavior<Command> dispatch() {
    if (shuttingDown) return this;
    PushState.Step step = state.dispatch(deps.clock().millis(), this::containerName);
    state = step.state();
    for (PushState.Decision d : step.decisions()) {
      if (d instanceof PushState.Create c) {
        spawn(c.container(), c.action());
      } else if (d instanceof PushState.Run r) {
        PushState.Pending p = r.pending();
        assigned.put(p.activationId(), new Assignment(r.container(), p));
        sources.deliver(
            r.container(),
            new Delivery(
                0,
                Topics.invokerActivationsTopic(invokerId),
                0,
                0,
                p.attempts() + 1,
                p.work().activation()));
      } else if (d instanceof PushState.Evict e) {
        getContext().getLog().info("Evicting idle container {} to make room", e.container());
        deps.metrics().containerEvicted();
        ActorRef<ContainerProxy.Command> proxy = proxies.get(e.container());
        if (proxy != null) proxy.tell(ContainerProxy.Retire.INSTANCE);
      }
    }
    queued.set(state.queue().size());
    heartbeatSoon();
    return this;
  }

  private void spawn(String name, Action action) {
    sources.register(name);
    ActorRef<ContainerProxy.Command> proxy =
        getContext().spawn(ContainerProxy.create(name, action, Duration.ZERO, events, deps), name);
    getContext().watchWith(proxy, new ProxyTerminated(name));
    proxies.put(name, proxy);
    getContext().getLog().info("Creating container {} for {}", name, action.fqn());
  }

  private void fail(PushedActivation work, String reason) {
    String id = work.activation().activationId();
    String action = work.action().fqn().path();
    try (var mdc = ActivationMdc.put(id, action, null)) {
      getContext().getLog().warn("Activation {} of {} fails: {}", id, action, reason);
    }
    ActivationRecord record = PushFailures.record(work, reason, deps.clock().millis());
    deps.publisher()
        .completion(
            work.activation().controllerId(), new CompletionMessage(id, invokerId, "none", record))
        .whenComplete(
            (ok, e) -> {
              if (e == null) return;
              try (var mdc = ActivationMdc.put(id, action, null)) {
                offActor.warn(
                    "Completion of failed activation {} not published: {}", id, e.toString());
              }
            });
  }

  private Behavior<Command> onTick() {
    publishHeartbeat();
    return this;
  }

  private Behavior<Command> onShutdown() {
    shuttingDown = true;
    var dropped = state.drop();
    state = dropped.getKey();
    queued.set(0);
    if (!dropped.getValue().isEmpty()) {
      getContext()
          .getLog()
          .info(
              "Invoker {} shutting down: dropping {} queued activations",
              invokerId,
              dropped.getValue().size());
    }
    getContext()
        .getLog()
        .info("Invoker {} shutting down: retiring {} containers", invokerId, proxies.size());
    proxies.values().forEach(p -> p.tell(ContainerProxy.Retire.INSTANCE));
    return proxies.isEmpty() ? Behaviors.stopped() : this;
  }

  private Behavior<Command> onPostStop() {
    stopped.complete(null);
    return this;
  }

  /** A heartbeat after a change, at most one per debounce interval. */
  private void heartbeatSoon() {
    if (!timers.isTimerActive(HEARTBEAT_SOON)) {
      timers.startSingleTimer(HEARTBEAT_SOON, HeartbeatNow.INSTANCE, HEARTBEAT_DEBOUNCE);
    }
  }

  private void publishHeartbeat() {
    deps.publisher()
        .heartbeat(state.heartbeat(invokerId, deps.clock().millis()))
        .whenComplete(
            (ok, e) -> {
              if (e != null)
                offActor.warn("Heartbeat of invoker {} not published: {}", invokerId, e.toString());
            });
  }

  /** A name for the container and its proxy, unique on the host and legal for Docker and Pekko. */
  private String containerName(Action action) {
    String name = action.name().replaceAll("[^a-zA-Z0-9_.-]", "_");
    if (name.length() > 40) name = name.substring(0, 40);
    return "kwhisk" + invokerId + "_p" + run + "_" + (++sequence) + "_" + name;
  }
}
