package io.kwhisk.invoker.pool;

import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.invoker.proxy.ContainerProxy;
import io.kwhisk.invoker.proxy.ProxyDeps;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invoker's containers: starts one {@link ContainerProxy} per admitted {@link
 * ContainerCreation}, retires proxies on {@link ContainerDeletion}, accounts user memory in {@link
 * PoolState}, and publishes the invoker's heartbeat every interval and at once whenever its
 * containers change.
 *
 * <p>A creation that does not fit in the free user memory first evicts idle containers of other
 * actions (least recently used first, see {@link PoolState#plan}) and is started when they are
 * gone; only when even that cannot make room (or its kind has no image, or the invoker is shutting
 * down) is it refused: logged, counted, and named in the next heartbeats' {@code refusedCreations},
 * so the controller places the container elsewhere at once; the heartbeat's free and idle memory
 * tell it not to ask here again. Proxies report when they become busy and idle, so the pool knows
 * which containers it may evict. On {@link Shutdown} waiting creations are dropped, every proxy is
 * retired and the pool stops when the last one has removed its container.
 */
public final class ContainerPool extends AbstractBehavior<ContainerPool.Command> {
  /**
   * For lines written off the actor thread (the producer's callbacks), where the context's logger
   * must not be used; every other line goes through {@code getContext().getLog()}, as in every
   * actor.
   */
  private static final Logger offActor = LoggerFactory.getLogger(ContainerPool.class);

  private static final Object HEARTBEAT = "heartbeat";
  private static final Object EVICTABLE_HEARTBEAT = "evictable-heartbeat";

  /** The pool's protocol. */
  public sealed interface Command {}

  /** A command read from the invoker's topic. */
  public record Received(InvokerCommand command) implements Command {}

  /** Retire every container and stop when they are gone. */
  public enum Shutdown implements Command {
    INSTANCE
  }

  private record FromProxy(ContainerProxy.Event event) implements Command {}

  private record ProxyTerminated(String name) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private final ProxyDeps deps;
  private final PoolSettings settings;
  private final TimerScheduler<Command> timers;
  private final int invokerId;
  private final ActorRef<ContainerProxy.Event> events;
  private final Map<String, ActorRef<ContainerProxy.Command>> proxies = new HashMap<>();
  private PoolState state;

  /** Tells this run's containers from an earlier run's, which may still be being removed. */
  private final String run = Long.toString(System.currentTimeMillis() % 1_679_616, 36);

  private long sequence;
  private boolean shuttingDown;

  /**
   * Creations refused lately, newest last, each with the number of heartbeats that still report it.
   */
  private final Map<String, Integer> refused = new LinkedHashMap<>();

  /** Heartbeats that report a refusal: a controller that missed one still learns of it. */
  private static final int REFUSAL_REPORTS = 3;

  public static Behavior<Command> create(PoolSettings settings, ProxyDeps deps) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new ContainerPool(ctx, timers, settings, deps)));
  }

  private ContainerPool(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      PoolSettings settings,
      ProxyDeps deps) {
    super(ctx);
    this.deps = deps;
    this.settings = settings;
    this.timers = timers;
    this.invokerId = settings.invokerId();
    this.state =
        PoolState.empty(
            settings.memoryMb(),
            settings.evictionGrace().toMillis(),
            settings.firstPullGrace().toMillis());
    this.events = ctx.messageAdapter(ContainerProxy.Event.class, FromProxy::new);
    timers.startTimerWithFixedDelay(HEARTBEAT, Tick.INSTANCE, settings.heartbeatInterval());
    publishHeartbeat();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Received.class, this::onReceived)
        .onMessage(FromProxy.class, this::onFromProxy)
        .onMessage(ProxyTerminated.class, m -> onProxyGone(m.name()))
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Shutdown.INSTANCE, this::onShutdown)
        .build();
  }

  private Behavior<Command> onReceived(Received m) {
    if (m.command() instanceof ContainerCreation c) create(c);
    else if (m.command() instanceof ContainerDeletion d) retire(d);
    else if (m.command() instanceof ContainerKeepAlive k) keepAlive(k);
    return this;
  }

  private void create(ContainerCreation c) {
    if (shuttingDown) {
      getContext()
          .getLog()
          .info(
              "Refusing creation {} for {}: the invoker is shutting down",
              c.creationId(),
              c.action().fqn());
      refuse(c);
      return;
    }
    // A kind without an image is not refused: refused, the creation would be asked again and again
    // while the
    // action's activations wait forever. Its proxy ends them with an error record instead
    // (ProxyState.UNAVAILABLE).
    String name = containerName(c);
    long now = deps.clock().millis();
    PoolState.Plan plan = state.plan(name, c, now);
    if (plan.outcome() == PoolState.Outcome.REFUSED) {
      deps.metrics().creationRefused();
      getContext()
          .getLog()
          .warn(
              "Refusing creation {} for {}: needs {} MB, {} MB of {} MB free, {} MB in idle containers",
              c.creationId(),
              c.action().fqn(),
              c.action().limits().memory(),
              state.admissibleMb(),
              state.capacityMb(),
              state.idleMb(now));
      refuse(c);
      return;
    }
    state = plan.state();
    if (plan.outcome() == PoolState.Outcome.ADMITTED) {
      spawn(name, c);
    } else {
      getContext()
          .getLog()
          .info(
              "Creation {} for {} waits for {} idle containers to be evicted: {}",
              c.creationId(),
              c.action().fqn(),
              plan.victims().size(),
              plan.victims());
      for (String victim : plan.victims()) {
        deps.metrics().containerEvicted();
        ActorRef<ContainerProxy.Command> proxy = proxies.get(victim);
        if (proxy != null) proxy.tell(ContainerProxy.Retire.INSTANCE);
      }
    }
    publishHeartbeat();
  }

  private void spawn(String name, ContainerCreation c) {
    ActorRef<ContainerProxy.Command> proxy =
        getContext()
            .spawn(
                ContainerProxy.create(
                    name, c.action(), Duration.ofMillis(c.keepAliveMs()), events, deps),
                name);
    getContext().watchWith(proxy, new ProxyTerminated(name));
    proxies.put(name, proxy);
    getContext()
        .getLog()
        .info("Creating container {} for {} (creation {})", name, c.action().fqn(), c.creationId());
  }

  private void retire(ContainerDeletion d) {
    for (String name : state.retiredBy(d)) {
      ActorRef<ContainerProxy.Command> proxy = proxies.get(name);
      if (proxy != null) proxy.tell(ContainerProxy.Retire.INSTANCE);
    }
  }

  /**
   * Gives the action's containers a new keep-alive; a creation still waiting for evictions keeps
   * the one it was sent with.
   */
  private void keepAlive(ContainerKeepAlive k) {
    var change = new ContainerProxy.KeepAliveChanged(Duration.ofMillis(k.keepAliveMs()));
    for (String name : state.containersOf(k.actionPath())) {
      ActorRef<ContainerProxy.Command> proxy = proxies.get(name);
      if (proxy != null) proxy.tell(change);
    }
  }

  private Behavior<Command> onFromProxy(FromProxy m) {
    ContainerProxy.Event e = m.event();
    if (e instanceof ContainerProxy.Ready) {
      state = state.ready(e.name(), deps.clock().millis());
      publishHeartbeat();
    } else if (e instanceof ContainerProxy.Busy) {
      // Busy and idle come with every activation of an idle container: the next periodic heartbeat
      // carries the
      // idle memory, a heartbeat per activation would load the health topic on the warm path.
      state = state.busy(e.name());
    } else if (e instanceof ContainerProxy.Idle) {
      PoolState.Slot before = state.slots().get(e.name());
      state = state.idle(e.name(), deps.clock().millis());
      // A container's first activation makes its memory evictable (PoolState) once the eviction
      // grace has passed:
      // heartbeat then, so that under churn the controller places the next creation on it now
      // rather than at the
      // next periodic heartbeat. Once per container, so the warm path adds no heartbeats.
      if (before != null && !before.used() && !timers.isTimerActive(EVICTABLE_HEARTBEAT)) {
        timers.startSingleTimer(EVICTABLE_HEARTBEAT, Tick.INSTANCE, settings.evictionGrace());
      }
    } else {
      return onProxyGone(e.name());
    }
    return this;
  }

  /**
   * The proxy stopped: normally after removing its container, or it failed and its PostStop removes
   * it.
   */
  private Behavior<Command> onProxyGone(String name) {
    if (proxies.remove(name) != null) {
      state = state.removed(name);
      var admitted = state.admitWaiting();
      state = admitted.getKey();
      admitted.getValue().forEach(w -> spawn(w.name(), w.creation()));
      publishHeartbeat();
    }
    if (shuttingDown && proxies.isEmpty()) return Behaviors.stopped();
    return this;
  }

  private Behavior<Command> onTick() {
    publishHeartbeat();
    return this;
  }

  private Behavior<Command> onShutdown() {
    shuttingDown = true;
    var dropped = state.dropWaiting();
    state = dropped.getKey();
    dropped
        .getValue()
        .forEach(
            w ->
                getContext()
                    .getLog()
                    .info(
                        "Dropping creation {} for {}: the invoker is shutting down",
                        w.creation().creationId(),
                        w.creation().action().fqn()));
    getContext()
        .getLog()
        .info("Invoker {} shutting down: retiring {} containers", invokerId, proxies.size());
    proxies.values().forEach(p -> p.tell(ContainerProxy.Retire.INSTANCE));
    return proxies.isEmpty() ? Behaviors.stopped() : this;
  }

  /** Reports {@code c} as refused in the next heartbeats, starting with one published now. */
  private void refuse(ContainerCreation c) {
    refused.put(c.creationId(), REFUSAL_REPORTS);
    publishHeartbeat();
  }

  private void publishHeartbeat() {
    InvokerHeartbeat heartbeat = state.heartbeat(invokerId, deps.clock().millis());
    if (!refused.isEmpty()) {
      heartbeat = heartbeat.withRefusedCreations(List.copyOf(refused.keySet()));
      refused.replaceAll((id, left) -> left - 1);
      refused.values().removeIf(left -> left <= 0);
    }
    deps.publisher()
        .heartbeat(heartbeat)
        .whenComplete(
            (ok, e) -> {
              if (e != null)
                offActor.warn("Heartbeat of invoker {} not published: {}", invokerId, e.toString());
            });
  }

  /**
   * A name for the container and its proxy that is unique on the host and legal for Docker and
   * Pekko.
   */
  private String containerName(ContainerCreation c) {
    String action = c.action().name().replaceAll("[^a-zA-Z0-9_.-]", "_");
    if (action.length() > 40) action = action.substring(0, 40);
    return "kwhisk" + invokerId + "_" + run + "_" + (++sequence) + "_" + action;
  }
}
