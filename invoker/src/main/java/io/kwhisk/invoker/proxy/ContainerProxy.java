package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.code.CodeSource;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.ContainerSpec;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.metrics.InvokerMetrics.ContainerState;
import io.kwhisk.invoker.publish.Publisher;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One action container, from creation to removal; its life cycle is {@link ProxyState}, this class only carries out
 * the effects. Contract with the parent (the pool):
 *
 * <ol>
 *   <li>The proxy starts its container at once and tells the parent {@link Ready} when it is initialised (or its
 *       init failed), and {@link Stopped} exactly once, after the container is removed, before it stops itself.
 *       It joins the action's share group at once, while the container is created, started and initialised; what
 *       it pulls meanwhile waits for a successful {@code /init} (see {@link ProxyState}).
 *   <li>The parent may send {@link Retire} at any time: running activations finish, then the container goes.
 *   <li>Activations come from an {@link ActivationSource}; each is acknowledged only after its completion (the
 *       activation record, logs included) was written to Kafka (at-least-once), released if publishing failed. Activations pulled beyond the
 *       concurrency limit (a prefetch above it) wait in the proxy and run as slots free; a retiring container
 *       releases those it has not started.
 *   <li>The proxy tells the parent {@link Busy} when an idle container accepts an activation and {@link Idle} when
 *       its last one in flight is published; the parent evicts (retires) only idle containers.
 *   <li>After the pause grace (twice the container's typical idle gap, within the configured bounds: see
 *       {@link PauseGrace}) an idle container is paused; activations pulled meanwhile are held until it is
 *       unpaused, so none reaches a frozen container. A paused container is removed without being unpaused.
 * </ol>
 *
 * <p>Never blocks: Docker, HTTP and Kafka work returns as messages.
 */
public final class ContainerProxy extends AbstractBehavior<ContainerProxy.Command> {
  private static final Object KEEP_ALIVE = "keep-alive";
  private static final Object PAUSE_GRACE = "pause-grace";

  /** The proxy's protocol. */
  public sealed interface Command {}

  /** Retire this container (its action was deleted or updated, or the invoker shuts down). */
  public enum Retire implements Command { INSTANCE }

  private record ContainerStarted(RunningContainer container) implements Command {}

  private record StartFailed(Throwable error) implements Command {}

  private record InitDone(CallOutcome outcome, long durationMs) implements Command {}

  private record Pulled(List<Delivery> deliveries) implements Command {}

  /** A {@code /run} ended (see {@link RunPipeline.Ran}). */
  private record RunDone(RunPipeline.Ran ran) implements Command {}

  private record Published(Delivery delivery, Throwable error) implements Command {}

  private record FeedFailed(Throwable error) implements Command {}

  private enum KeepAliveExpired implements Command { INSTANCE }

  private enum PauseGraceExpired implements Command { INSTANCE }

  private record PauseDone(Throwable error, long durationMs) implements Command {}

  private record UnpauseDone(Throwable error, long durationMs) implements Command {}

  private enum ContainerRemoved implements Command { INSTANCE }

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

  /** The proxy's collaborators, shared by all proxies of an invoker. */
  public record Deps(
      InvokerConfig config,
      ContainerRuntime runtime,
      ActionContainer.Factory containers,
      ActivationSource.Factory feeds,
      Publisher publisher,
      LogCollector.Factory logs,
      InvokerMetrics metrics,
      Clock clock,
      CodeSource code) {
    /** Collaborators for actions whose code is always inline. */
    public Deps(InvokerConfig config, ContainerRuntime runtime, ActionContainer.Factory containers,
        ActivationSource.Factory feeds, Publisher publisher, LogCollector.Factory logs, InvokerMetrics metrics,
        Clock clock) {
      this(config, runtime, containers, feeds, publisher, logs, metrics, clock, CodeSource.INLINE);
    }

    public Deps {
      Objects.requireNonNull(config, "config should not be null");
      Objects.requireNonNull(runtime, "runtime should not be null");
      Objects.requireNonNull(containers, "containers should not be null");
      Objects.requireNonNull(feeds, "feeds should not be null");
      Objects.requireNonNull(publisher, "publisher should not be null");
      Objects.requireNonNull(logs, "logs should not be null");
      Objects.requireNonNull(metrics, "metrics should not be null");
      Objects.requireNonNull(clock, "clock should not be null");
      Objects.requireNonNull(code, "code should not be null");
    }
  }

  private final String name;
  private final Action action;
  private final ActorRef<Event> parent;
  private final Deps deps;
  /** The container's image; null when the invoker has none for the action's kind. */
  private final String image;
  private final TimerScheduler<Command> timers;
  private final Duration keepAlive;
  private final boolean collectLogs;
  private final RunPipeline pipeline;
  private ProxyState state = ProxyState.starting();
  private RunningContainer container;
  private ActionContainer client;
  private ActivationSource feed;
  /** Pulled activations waiting for a free slot: a container may prefetch more than its concurrency. */
  private final Deque<Delivery> queued = new ArrayDeque<>();
  private int running;
  private LogCollector logs;
  private long initStart;
  /** Records per poll, learnt from this container's run durations when no prefetch is configured. */
  private AdaptivePrefetch prefetch;
  /** This container's pause grace, learnt from its idle gaps. */
  private PauseGrace pauseGrace;
  /** When the container last became idle (its last activation in flight finished), -1 while busy. */
  private long idleSince = -1;

  public static Behavior<Command> create(String name, Action action, ActorRef<Event> parent, Deps deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ContainerProxy(ctx, timers, name, action, parent,
        deps)));
  }

  private ContainerProxy(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, String name, Action action, ActorRef<Event> parent,
      Deps deps) {
    super(ctx);
    this.timers = timers;
    this.name = name;
    this.action = action;
    this.parent = parent;
    this.deps = deps;
    this.keepAlive = deps.config().keepAliveFor(action.annotations());
    this.collectLogs = action.limits().concurrency() == 1;
    this.pipeline = new RunPipeline(action, deps);
    this.pauseGrace = PauseGrace.of(deps.config().pauseGrace(), deps.config().pauseGraceMax());
    this.prefetch = AdaptivePrefetch.of(action.limits().concurrency(),
        deps.config().prefetch() > 0 ? Duration.ZERO : deps.config().prefetchBudget());
    deps.metrics().containerMoved(null, ContainerState.STARTING);
    image = deps.config().imageFor(action.exec()).orElse(null);
    // Joins the group first, also when there is no image: the activations it pulls then end with that error.
    apply(state.begin());
    if (image == null) {
      ctx.getSelf().tell(new StartFailed(new StartFailures.NoImage(action.exec().kind())));
      return;
    }
    ContainerSpec spec = new ContainerSpec(name, image, action.limits().memory(), Map.of(
        ContainerRuntime.INVOKER_LABEL, Integer.toString(deps.config().invokerId()),
        ContainerRuntime.ACTION_LABEL, action.fqn().path()), deps.config().containerEnv(action.limits().concurrency()));
    ctx.pipeToSelf(deps.runtime().start(spec), (c, e) -> e == null ? new ContainerStarted(c) : new StartFailed(e));
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
        .onMessageEquals(PauseGraceExpired.INSTANCE, () -> apply(state.pauseGraceExpired()))
        .onMessage(PauseDone.class, this::onPauseDone)
        .onMessage(UnpauseDone.class, this::onUnpauseDone)
        .onMessageEquals(Retire.INSTANCE, this::onRetire)
        .onMessageEquals(ContainerRemoved.INSTANCE, this::onContainerRemoved)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onContainerStarted(ContainerStarted m) {
    container = m.container();
    client = deps.containers().connect(container.host(), container.port(), action.limits().concurrency());
    if (collectLogs) logs = deps.logs().open(container, Math.max(1, action.limits().logBytes()));
    getContext().getLog().debug("Container {} of {} started at {}", name, action.fqn(), container.host());
    initStart = deps.clock().millis();
    // Code stored out of line is read (or found in the invoker's cache) now: only /init needs it.
    getContext().pipeToSelf(deps.code().resolve(action).thenCompose(withCode ->
            client.init(ActivationResults.initPayload(withCode), deps.config().initTimeout(action.limits()))),
        (o, e) -> new InitDone(o != null ? o : new CallOutcome.Failed(String.valueOf(e)),
            deps.clock().millis() - initStart));
    return apply(state.containerStarted());
  }

  private Behavior<Command> onStartFailed(StartFailed m) {
    getContext().getLog().warn("Container {} of {} did not start: {}", name, action.fqn(), m.error().getMessage());
    var permanent = StartFailures.permanent(m.error(), action.exec(), image);
    if (permanent.isPresent()) return apply(state.startFailed(permanent.get()));
    return apply(state.startFailed());
  }

  private Behavior<Command> onInitDone(InitDone m) {
    ActivationResponse failure = ActivationResults.initFailure(m.outcome(), action.limits().timeout());
    if (failure == null) {
      deps.metrics().coldStart(Duration.ofMillis(m.durationMs()));
      getContext().getLog().info("Container {} of {} ready in {} ms (init)", name, action.fqn(), m.durationMs());
      return apply(state.initialized(m.durationMs()));
    }
    getContext().getLog().info("Container {} of {} failed to initialise: {}", name, action.fqn(), failure.result());
    return apply(state.initFailed(failure));
  }

  private Behavior<Command> onPulled(Pulled m) {
    Behavior<Command> next = this;
    for (Delivery d : m.deliveries()) {
      ProxyState.Transition t = state.accept(d.activationId());
      if (t.effects().contains(ProxyState.Effect.RELEASE)) {
        if (feed != null) feed.release(d);
        continue;
      }
      next = apply(t);
      if (unusable()) completeWithInitFailure(d);
      else if (t.effects().contains(ProxyState.Effect.HOLD)) queued.add(d); // run once unpaused (RUN_HELD)
      else if (running < action.limits().concurrency()) run(d);
      else queued.add(d);
    }
    return next;
  }

  /**
   * Runs queued activations while slots are free; a container that can never start (its held activations were
   * pulled while it was being asked for) completes them all with its failure instead.
   */
  private void runQueued() {
    if (unusable()) {
      for (Delivery d; (d = queued.poll()) != null; ) completeWithInitFailure(d);
      return;
    }
    while (!queued.isEmpty() && running < action.limits().concurrency()) run(queued.poll());
  }

  /** Gives queued activations back to the group (this container takes no more work); they count as finished. */
  private void releaseQueued() {
    for (Delivery d; (d = queued.poll()) != null; ) {
      if (feed != null) feed.release(d);
      apply(state.finished(d.activationId()));
    }
  }

  /** Runs {@code d} through the pipeline, off the actor; the actor hears of it as {@link RunDone}. */
  private void run(Delivery d) {
    running++;
    long start = deps.clock().millis();
    getContext().pipeToSelf(pipeline.run(d, client, container.id(), logs, feed, state.initTimeFor(d.activationId())),
        (r, e) -> new RunDone(r != null ? r : new RunPipeline.Ran(d, start, deps.clock().millis(),
            new CallOutcome.Failed(String.valueOf(e)), null, null)));
  }

  private Behavior<Command> onRunDone(RunDone m) {
    running--;
    RunPipeline.Ran ran = m.ran();
    Delivery d = ran.delivery();
    ActivationResponse response = ran.response();
    CompletionStage<Void> written = ran.written();
    if (written == null) {
      response = pipeline.response(ran.outcome());
      written = pipeline.writeAfterFailure(ran, state.initTimeFor(d.activationId()), feed, container.id());
    }
    getContext().pipeToSelf(written, (ok, e) -> new Published(d, e));
    deps.metrics().activation(outcomeOf(response), Duration.ofMillis(ran.end() - ran.start()));
    adaptPrefetch(ran.end() - ran.start());
    if (!ActivationResults.keepsContainer(response)) {
      getContext().getLog().info("Container {} of {} is replaced after activation {}: {} ({})", name, action.fqn(),
          d.activationId(), response.result(), ran.outcome());
    }
    Behavior<Command> next = apply(state.runEnded(response));
    runQueued();
    return next;
  }

  /** Learns from a run's duration and resizes the feed's polls when the container's typical run calls for it. */
  private void adaptPrefetch(long runMs) {
    prefetch = prefetch.afterRun(runMs);
    long now = deps.clock().millis();
    OptionalInt size = prefetch.change(now);
    if (size.isEmpty() || feed == null || state.phase() == ProxyState.Phase.INIT_FAILED) return;
    prefetch = prefetch.changedTo(size.getAsInt(), now);
    getContext().getLog().debug("Container {} of {} pulls up to {} records per poll (typical run {} ms)", name,
        action.fqn(), size.getAsInt(), String.format("%.1f", prefetch.typicalRunMs()));
    feed.resize(size.getAsInt());
  }

  /** The container failed to init or can never start: every activation it pulls ends with that failure. */
  private boolean unusable() {
    return state.phase() == ProxyState.Phase.INIT_FAILED || state.phase() == ProxyState.Phase.UNAVAILABLE;
  }

  private void completeWithInitFailure(Delivery d) {
    long now = deps.clock().millis();
    List<String> initLogs = List.of();
    if (logs != null) initLogs = logs.next().getNow(List.of()); // the runtime ended the failed init's output
    publish(d, ActivationResults.record(d.message(), action, state.initFailure(), now, now,
        OptionalLong.empty(), false, initLogs));
  }

  private void publish(Delivery d, ActivationRecord record) {
    CompletionStage<Void> written = pipeline.write(d, CompletableFuture.completedFuture(record), feed,
        container == null ? null : container.id());
    getContext().pipeToSelf(written, (ok, e) -> new Published(d, e));
  }

  private Behavior<Command> onPublished(Published m) {
    if (m.error() != null) {
      getContext().getLog().warn("Publishing activation {} failed, released it for redelivery: {}",
          m.delivery().activationId(), m.error().toString());
    }
    return apply(state.finished(m.delivery().activationId()));
  }

  private Behavior<Command> onFeedFailed(FeedFailed m) {
    getContext().getLog().warn("Feed of container {} failed: {}", name, m.error().toString());
    feed = null;
    queued.clear(); // the closed consumer's unacknowledged records go back to the group
    return apply(state.feedFailed());
  }

  private Behavior<Command> onKeepAliveExpired() {
    getContext().getLog().debug("Container {} idle for {} ms", name, keepAlive.toMillis());
    return apply(state.keepAliveExpired());
  }

  private Behavior<Command> onRetire() {
    releaseQueued();
    return apply(state.retire());
  }

  private Behavior<Command> onContainerRemoved() {
    getContext().getLog().info("Container {} of {} removed", name, action.fqn());
    parent.tell(new Stopped(name));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    deps.metrics().containerMoved(metricState(state.phase()), null);
    // A crash or a stop from outside must not leak the container or the group membership.
    if (state.phase() != ProxyState.Phase.REMOVING) {
      if (feed != null) feed.close();
      if (container != null) deps.runtime().remove(container.id());
    }
    closeLogStream();
    if (client != null) client.close();
    return this;
  }

  private Behavior<Command> apply(ProxyState.Transition t) {
    ProxyState before = state;
    state = t.state();
    deps.metrics().containerMoved(metricState(before.phase()), metricState(state.phase()));
    for (ProxyState.Effect effect : t.effects()) {
      switch (effect) {
        case JOIN_GROUP -> joinGroup();
        case REPORT_READY -> parent.tell(new Ready(name, container == null ? null : container.id()));
        case REPORT_BUSY -> {
          if (idleSince >= 0) pauseGrace = pauseGrace.afterGap(deps.clock().millis() - idleSince);
          idleSince = -1;
          parent.tell(new Busy(name));
        }
        case REPORT_IDLE -> {
          idleSince = deps.clock().millis();
          parent.tell(new Idle(name));
        }
        case ARM_KEEP_ALIVE -> armIdleTimers();
        case DISARM_KEEP_ALIVE -> {
          timers.cancel(KEEP_ALIVE);
          timers.cancel(PAUSE_GRACE);
        }
        case PAUSE -> pause();
        case UNPAUSE -> unpause();
        case RUN_HELD -> runQueued();
        case FAIL_FIRST_HELD -> completeWithInitFailure(queued.poll());
        case LEAVE_GROUP -> leaveGroup();
        case REMOVE_CONTAINER -> removeContainer();
        case RELEASE_QUEUED -> releaseQueued();
        case RUN, RELEASE, HOLD -> { } // carried out by onPulled, which knows the delivery
      }
    }
    return this;
  }

  /**
   * How long the container may stay idle. Until it has pulled its first activation it waits at least the
   * configured first-pull grace: joining a share group can take seconds (the first group on a broker much longer),
   * and a container is only created because activations wait for it. A container whose init failed likewise waits
   * for the activation it must report on.
   */
  private Duration idleWindow() {
    boolean pulledAny = state.phase() != ProxyState.Phase.INIT_FAILED && state.coldActivationId() != null;
    Duration grace = deps.config().firstPullGrace();
    return pulledAny || keepAlive.compareTo(grace) > 0 ? keepAlive : grace;
  }

  /**
   * The keep-alive, and the pause grace when pausing is on (a pause grace of 0 disables it): the container's own,
   * stretched by its call rate up to the configured maximum.
   */
  private void armIdleTimers() {
    timers.startSingleTimer(KEEP_ALIVE, KeepAliveExpired.INSTANCE, idleWindow());
    if (!deps.config().pauseGrace().isZero()) {
      timers.startSingleTimer(PAUSE_GRACE, PauseGraceExpired.INSTANCE, pauseGrace.grace());
    }
  }

  private void pause() {
    long began = System.nanoTime();
    getContext().pipeToSelf(deps.runtime().pause(container.id()),
        (ok, e) -> new PauseDone(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)));
  }

  private void unpause() {
    long began = System.nanoTime();
    getContext().pipeToSelf(deps.runtime().unpause(container.id()),
        (ok, e) -> new UnpauseDone(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)));
  }

  private Behavior<Command> onPauseDone(PauseDone m) {
    if (m.error() != null) {
      getContext().getLog().warn("Pausing container {} failed; it stays unpaused: {}", name, m.error().toString());
    } else {
      deps.metrics().paused(Duration.ofMillis(m.durationMs()));
      getContext().getLog().debug("Container {} paused in {} ms", name, m.durationMs());
    }
    return apply(state.pauseDone(m.error() == null));
  }

  private Behavior<Command> onUnpauseDone(UnpauseDone m) {
    if (m.error() != null) {
      getContext().getLog().warn("Unpausing container {} failed; it is replaced: {}", name, m.error().toString());
      queued.clear(); // never run: the closed feed gives them back to the group
    } else {
      deps.metrics().unpaused(Duration.ofMillis(m.durationMs()));
      getContext().getLog().debug("Container {} unpaused in {} ms", name, m.durationMs());
    }
    return apply(state.resumed(m.error() == null));
  }

  private void joinGroup() {
    ActorRef<Command> self = getContext().getSelf();
    // An init failure is reported on one activation only; a working container pulls its prefetch per poll. A
    // prefetch above the concurrency limit queues the surplus here: every share acknowledgement is a durable write
    // on the broker (~2 ms), so one record per poll caps a container of concurrency 1 at a few hundred activations
    // a second, while a batch shares that cost and runs its records back to back.
    int concurrency = action.limits().concurrency();
    boolean failed = state.phase() == ProxyState.Phase.INIT_FAILED;
    int maxPoll = failed ? 1 : deps.config().maxPollRecords(action.limits());
    if (state.phase() == ProxyState.Phase.UNAVAILABLE) concurrency = 1; // one lane: nothing runs
    int lanes = failed ? 1 : Math.max(1, concurrency / maxPoll);
    feed = deps.feeds().open(action.fqn(), name, lanes, maxPoll, ds -> self.tell(new Pulled(ds)),
        e -> self.tell(new FeedFailed(e)));
  }

  private void leaveGroup() {
    if (feed != null) feed.close();
  }

  private void removeContainer() {
    closeLogStream();
    if (client != null) client.close();
    if (container == null) {
      getContext().getSelf().tell(ContainerRemoved.INSTANCE);
      return;
    }
    getContext().pipeToSelf(deps.runtime().remove(container.id()), (ok, e) -> {
      if (e != null) getContext().getLog().warn("Removing container {} failed: {}", name, e.toString());
      return ContainerRemoved.INSTANCE;
    });
  }

  /** Releases the log collector: its stream, or its file on the log reader. Never blocks. */
  private void closeLogStream() {
    if (logs != null) logs.close();
  }

  private static ContainerState metricState(ProxyState.Phase p) {
    switch (p) {
      case STARTING: return ContainerState.STARTING;
      case INITIALIZING: return ContainerState.INITIALIZING;
      case RUNNING: return ContainerState.RUNNING;
      case REMOVING: return ContainerState.REMOVING;
      case PAUSING: case PAUSED: return ContainerState.PAUSED;
      case RESUMING: return ContainerState.RUNNING;
      default: return ContainerState.READY;
    }
  }

  private static InvokerMetrics.Outcome outcomeOf(ActivationResponse r) {
    switch (r.statusCode()) {
      case ActivationResponse.SUCCESS: return InvokerMetrics.Outcome.SUCCESS;
      case ActivationResponse.APPLICATION_ERROR: return InvokerMetrics.Outcome.APPLICATION_ERROR;
      case ActivationResponse.DEVELOPER_ERROR: return InvokerMetrics.Outcome.DEVELOPER_ERROR;
      default: return InvokerMetrics.Outcome.WHISK_ERROR;
    }
  }
}
