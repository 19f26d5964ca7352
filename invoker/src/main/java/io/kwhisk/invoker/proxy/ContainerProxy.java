package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.log.ActivationMdc;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.metrics.InvokerMetrics.ContainerState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One action container, from creation to removal; its life cycle is {@link ProxyState}, this class
 * only carries out the effects. Contract with the parent (the pool):
 *
 * <ol>
 *   <li>The proxy starts its container at once and tells the parent {@link Ready} when it is
 *       initialised (or its init failed), and {@link Stopped} exactly once, after the container is
 *       removed, before it stops itself. It joins the action's share group at once, while the
 *       container is created, started and initialised; what it pulls meanwhile waits for a
 *       successful {@code /init} (see {@link ProxyState}).
 *   <li>The parent may send {@link Retire} at any time: the proxy pulls nothing more, gives back
 *       what it holds unrun, running activations finish, then the container goes.
 *   <li>Activations come from an {@link ActivationSource}; each is acknowledged only after its
 *       completion (the activation record, logs included) was written to Kafka (at-least-once),
 *       released if publishing failed. Activations pulled beyond the concurrency limit (a prefetch
 *       above it) wait in the proxy and run as slots free; a retiring container releases those it
 *       has not started.
 *   <li>The proxy tells the parent {@link Busy} when an idle container accepts an activation and
 *       {@link Idle} when its last one in flight is published; the parent evicts (retires) only
 *       idle containers.
 *   <li>After the pause grace (twice the container's typical idle gap, within the configured
 *       bounds: see {@link PauseGrace}) an idle container is paused; activations pulled meanwhile
 *       are held until it is unpaused, so none reaches a frozen container. A paused container is
 *       removed without being unpaused.
 * </ol>
 *
 * <p>Never blocks: Docker, HTTP and Kafka work returns as messages. What to do is decided by pure
 * values beside it: {@link ProxyState} (the life cycle) and {@link Slots} (which pulled activation
 * runs when, kept with the feed by {@link PulledWork}); the container's handles and a run's path
 * from {@code /run} to its written completion are the {@link ContainerSession}'s, off the actor;
 * the keep-alive and pause-grace timers are {@link IdleTimers}; what it logs is {@link ProxyLog}'s.
 */
public final class ContainerProxy extends AbstractBehavior<ContainerProxy.Command> {
  /** The proxy's protocol. */
  public sealed interface Command {}

  /**
   * The controller's keep-alive policy gave the action a new window (see {@link
   * ProxySettings#keepAliveFor(Map, Duration)}): an idle container's window is counted from when it
   * became idle, so one idle for longer goes at once.
   */
  public record KeepAliveChanged(Duration keepAlive) implements Command {}

  /** Retire this container (its action was deleted or updated, or the invoker shuts down). */
  public enum Retire implements Command {
    INSTANCE
  }

  private record ContainerStarted(RunningContainer container) implements Command {}

  private record StartFailed(Throwable error) implements Command {}

  private record InitDone(ContainerSession.Init init) implements Command {}

  private record Pulled(List<Delivery> deliveries) implements Command {}

  /** A {@code /run} ended (see {@link RunPipeline.Ran}). */
  private record RunDone(RunPipeline.Ran ran) implements Command {}

  private record Published(Delivery delivery, Throwable error) implements Command {}

  private record FeedFailed(Throwable error) implements Command {}

  private enum KeepAliveExpired implements Command {
    INSTANCE
  }

  private enum PauseGraceExpired implements Command {
    INSTANCE
  }

  /** {@code docker pause} ended: {@code durationMs} on success, else its {@code error}. */
  private record PauseDone(Throwable error, Long durationMs) implements Command {}

  /** {@code docker unpause} ended: {@code durationMs} on success, else its {@code error}. */
  private record UnpauseDone(Throwable error, Long durationMs) implements Command {}

  private enum ContainerRemoved implements Command {
    INSTANCE
  }

  /** What a proxy tells its parent. */
  public sealed interface Event {
    String name();
  }

  public record Ready(String name, String containerId) implements Event {}

  public record Stopped(String name) implements Event {}

  /** An activation is in flight (the container was idle until now). */
  public record Busy(String name) implements Event {}

  /** The container's last activation in flight finished. */
  public record Idle(String name) implements Event {}

  private final String name;
  private final Action action;
  private final ActorRef<Event> parent;
  private final ProxyDeps deps;

  private final IdleTimers<Command> timers;
  private final ContainerSession session;
  private final PulledWork work;
  private final ProxyLog log;
  private ProxyState state = ProxyState.starting();

  /**
   * A container kept idle for {@code keepAlive} (zero: the configured keep-alive). Every log line
   * of the proxy names its action and container (MDC), and one about an activation its id too.
   */
  public static Behavior<Command> create(
      String name, Action action, Duration keepAlive, ActorRef<Event> parent, ProxyDeps deps) {
    return Behaviors.withMdc(
        Command.class,
        ActivationMdc.of(null, action.fqn().path(), name),
        ContainerProxy::mdc,
        Behaviors.setup(
            ctx ->
                Behaviors.withTimers(
                    timers ->
                        new ContainerProxy(ctx, timers, name, action, keepAlive, parent, deps))));
  }

  private static Map<String, String> mdc(Command c) {
    if (c instanceof RunDone r)
      return Map.of(ActivationMdc.ACTIVATION_ID, r.ran().delivery().activationId());
    if (c instanceof Published p)
      return Map.of(ActivationMdc.ACTIVATION_ID, p.delivery().activationId());
    return Map.of();
  }

  private ContainerProxy(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      String name,
      Action action,
      Duration keepAlive,
      ActorRef<Event> parent,
      ProxyDeps deps) {
    super(ctx);
    this.timers =
        new IdleTimers<>(
            timers,
            Pacing.of(deps.settings(), action, keepAlive),
            KeepAliveExpired.INSTANCE,
            PauseGraceExpired.INSTANCE);
    this.name = name;
    this.action = action;
    this.parent = parent;
    this.deps = deps;
    this.session = new ContainerSession(name, action, deps);
    this.work = new PulledWork(action.limits().concurrency());
    ctx.setLoggerName(ContainerProxy.class); // else named after ProxyLog's supplier, a lambda
    this.log = new ProxyLog(ctx::getLog, name, action);
    deps.metrics().containerMoved(null, ContainerState.STARTING);
    ActivationResponse failure = session.unavailable().orElse(null);
    if (failure != null) {
      log.cannotStart(failure);
      apply(state.beginUnavailable(failure));
      return;
    }
    apply(state.begin());
    ctx.pipeToSelf(
        session.start(), (c, e) -> e == null ? new ContainerStarted(c) : new StartFailed(e));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ContainerStarted.class, this::onContainerStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(InitDone.class, this::onInitDone)
        .onMessage(Pulled.class, this::onPulled)
        .onMessage(RunDone.class, this::onRunDone)
        .onMessage(Published.class, this::onPublished)
        .onMessage(FeedFailed.class, this::onFeedFailed)
        .onMessageEquals(KeepAliveExpired.INSTANCE, this::onKeepAliveExpired)
        .onMessage(KeepAliveChanged.class, this::onKeepAliveChanged)
        .onMessageEquals(PauseGraceExpired.INSTANCE, () -> apply(state.pauseGraceExpired()))
        .onMessage(PauseDone.class, this::onPauseDone)
        .onMessage(UnpauseDone.class, this::onUnpauseDone)
        .onMessageEquals(Retire.INSTANCE, this::onRetire)
        .onMessageEquals(ContainerRemoved.INSTANCE, this::onContainerRemoved)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onContainerStarted(ContainerStarted m) {
    session.started(m.container());
    log.started(m.container().host());
    getContext().pipeToSelf(session.init(), (init, e) -> new InitDone(init));
    return apply(state.containerStarted());
  }

  private Behavior<Command> onStartFailed(StartFailed m) {
    log.didNotStart(m.error());
    var permanent = session.permanentFailure(m.error());
    if (permanent.isPresent()) return apply(state.startFailed(permanent.get()));
    return apply(state.startFailed());
  }

  private Behavior<Command> onInitDone(InitDone m) {
    ActivationResponse failure = m.init().failure();
    if (failure != null) {
      log.initFailed(failure);
      return apply(state.initFailed(failure));
    }
    deps.metrics().coldStart(Duration.ofMillis(m.init().durationMs()));
    log.ready(m.init().durationMs());
    return apply(state.initialized(m.init().durationMs()));
  }

  private Behavior<Command> onPulled(Pulled m) {
    for (Delivery d : m.deliveries()) {
      ProxyState.Transition t = state.accept(d.activationId());
      if (t.effects().contains(ProxyEffect.RELEASE)) {
        work.release(d);
        continue;
      }
      apply(t);
      if (t.effects().contains(ProxyEffect.FAIL)) fail(d);
      else if (t.effects().contains(ProxyEffect.HOLD)) work.hold(d); // run once up (RUN_HELD)
      else run(work.offer(d));
    }
    return this;
  }

  /**
   * Gives waiting activations back to the group (this container takes no more work, see {@link
   * PulledWork#releaseWaiting}); they count as finished.
   */
  private void releaseWaiting() {
    for (Delivery d : work.releaseWaiting()) apply(state.finished(d.activationId()));
  }

  /**
   * Gives the activations this container held and never ran back to the action as new records
   * (those {@link Requeues} allows; the others are released); they count as finished.
   */
  private void requeueWaiting() {
    List<Delivery> waiting =
        work.requeueWaiting(d -> Requeues.requeues(d, action.fqn()), session::requeue);
    if (!waiting.isEmpty()) log.gaveBack(waiting.size());
    for (Delivery d : waiting) apply(state.finished(d.activationId()));
  }

  /** Runs {@code deliveries} through the session, off the actor: each ends as RunDone. */
  private void run(List<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      getContext()
          .pipeToSelf(
              session.run(d, work.feed(), state.initTimeFor(d.activationId())),
              (r, e) -> new RunDone(r));
    }
  }

  private Behavior<Command> onRunDone(RunDone m) {
    work.ended();
    RunPipeline.Ran ran = m.ran();
    Delivery d = ran.delivery();
    getContext().pipeToSelf(ran.written(), (ok, e) -> new Published(d, e));
    adaptPrefetch(ran.end() - ran.start());
    if (!ActivationResults.keepsContainer(ran.response()))
      log.replaced(d.activationId(), ran.response(), ran.outcome());
    apply(state.runEnded(ran.response()));
    run(work.fill());
    return this;
  }

  /**
   * Learns from a run's duration and resizes the feed's polls when the container's typical run
   * calls for it.
   */
  private void adaptPrefetch(long runMs) {
    boolean mayResize = work.inGroup() && state.phase() != ProxyPhase.INIT_FAILED;
    OptionalInt size = timers.afterRun(runMs, deps.clock().millis(), mayResize);
    size.ifPresent(n -> log.resized(n, timers.typicalRunMs()));
    size.ifPresent(work::resize);
  }

  /** Completes {@code d} with the failure of a container whose init failed or that cannot start. */
  private void fail(Delivery d) {
    getContext()
        .pipeToSelf(
            session.fail(d, state.initFailure(), work.feed()), (ok, e) -> new Published(d, e));
  }

  private Behavior<Command> onPublished(Published m) {
    if (m.error() != null) log.publishFailed(m.delivery().activationId(), m.error());
    return apply(state.finished(m.delivery().activationId()));
  }

  private Behavior<Command> onFeedFailed(FeedFailed m) {
    log.feedFailed(m.error());
    work.feedFailed();
    return apply(state.feedFailed());
  }

  private Behavior<Command> onKeepAliveExpired() {
    log.idleFor(timers.keepAlive().toMillis());
    return apply(state.keepAliveExpired());
  }

  private Behavior<Command> onKeepAliveChanged(KeepAliveChanged m) {
    Duration keepAlive = deps.settings().keepAliveFor(action.annotations(), m.keepAlive());
    timers.keepAliveChanged(keepAlive, pulledAny(), deps.clock().millis());
    return this;
  }

  private Behavior<Command> onRetire() {
    return apply(state.retire());
  }

  private Behavior<Command> onContainerRemoved() {
    log.removed();
    parent.tell(new Stopped(name));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    deps.metrics().containerMoved(state.phase().metricState(), null);
    // A crash or a stop from outside must not leak the container or the group membership.
    boolean removing = state.phase() == ProxyPhase.REMOVING;
    if (!removing) work.leave();
    session.abandon(removing);
    return this;
  }

  private Behavior<Command> apply(ProxyState.Transition t) {
    ProxyState before = state;
    state = t.state();
    deps.metrics().containerMoved(before.phase().metricState(), state.phase().metricState());
    for (ProxyEffect effect : t.effects()) {
      switch (effect) {
        case JOIN_GROUP -> joinGroup();
        case REPORT_READY -> parent.tell(new Ready(name, session.containerId()));
        case REPORT_BUSY -> {
          timers.busy(deps.clock().millis());
          parent.tell(new Busy(name));
        }
        case REPORT_IDLE -> {
          timers.idle(deps.clock().millis());
          parent.tell(new Idle(name));
        }
        case ARM_KEEP_ALIVE -> timers.arm(pulledAny());
        case DISARM_KEEP_ALIVE -> timers.disarm();
        case PAUSE -> getContext().pipeToSelf(session.pause(), (ms, e) -> new PauseDone(e, ms));
        case UNPAUSE ->
            getContext().pipeToSelf(session.unpause(), (ms, e) -> new UnpauseDone(e, ms));
        case RUN_HELD -> run(work.fill());
        case FAIL_FIRST_HELD -> work.takeFirst().forEach(this::fail);
        case FAIL_HELD -> work.takeAll().forEach(this::fail);
        case STOP_PULLING -> work.stopPulling();
        case LEAVE_GROUP -> work.leave();
        case REMOVE_CONTAINER -> removeContainer();
        case RELEASE_QUEUED -> releaseWaiting();
        case REQUEUE_QUEUED -> requeueWaiting();
        case RUN, FAIL, RELEASE, HOLD -> {} // carried out by onPulled, which knows the delivery
      }
    }
    return this;
  }

  private boolean pulledAny() {
    return state.phase() != ProxyPhase.INIT_FAILED && state.coldActivationId() != null;
  }

  private Behavior<Command> onPauseDone(PauseDone m) {
    log.paused(m.error(), m.durationMs());
    return apply(state.pauseDone(m.error() == null));
  }

  private Behavior<Command> onUnpauseDone(UnpauseDone m) {
    log.unpaused(m.error(), m.durationMs());
    if (m.error() != null)
      work.takeAll(); // never run: the closed feed gives them back to the group
    return apply(state.resumed(m.error() == null));
  }

  private void joinGroup() {
    ActorRef<Command> self = getContext().getSelf();
    boolean runs = state.phase() != ProxyPhase.UNAVAILABLE; // else one lane: nothing runs
    work.joined(
        session.openFeed(runs, ds -> self.tell(new Pulled(ds)), e -> self.tell(new FeedFailed(e))));
  }

  private void removeContainer() {
    getContext()
        .pipeToSelf(
            session.remove(),
            (ok, e) -> {
              if (e != null) log.removeFailed(e);
              return ContainerRemoved.INSTANCE;
            });
  }
}
