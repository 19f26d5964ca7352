package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.invoker.InvokerConfig;
import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.ContainerSpec;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.metrics.InvokerMetrics.ContainerState;
import io.kwhisk.invoker.publish.Publisher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 *   <li>The parent may send {@link Retire} at any time: running activations finish, then the container goes.
 *   <li>Activations come from an {@link ActivationSource}; each is acknowledged only after its completion and record
 *       were written to Kafka (at-least-once), released if publishing failed.
 * </ol>
 *
 * <p>Never blocks: Docker, HTTP and Kafka work returns as messages.
 */
public final class ContainerProxy extends AbstractBehavior<ContainerProxy.Command> {
  private static final Object KEEP_ALIVE = "keep-alive";

  /** The proxy's protocol. */
  public sealed interface Command {}

  /** Retire this container (its action was deleted or updated, or the invoker shuts down). */
  public enum Retire implements Command { INSTANCE }

  private record ContainerStarted(RunningContainer container) implements Command {}

  private record StartFailed(Throwable error) implements Command {}

  private record InitDone(CallOutcome outcome, long durationMs) implements Command {}

  private record Pulled(List<Delivery> deliveries) implements Command {}

  private record RunDone(Delivery delivery, long start, long end, CallOutcome outcome, List<String> logs)
      implements Command {}

  private record Published(Delivery delivery, Throwable error) implements Command {}

  private record FeedFailed(Throwable error) implements Command {}

  private enum KeepAliveExpired implements Command { INSTANCE }

  private enum ContainerRemoved implements Command { INSTANCE }

  /** What a proxy tells its parent. */
  public sealed interface Event {
    String name();
  }

  public record Ready(String name, String containerId) implements Event {}

  public record Stopped(String name) implements Event {}

  /** The proxy's collaborators, shared by all proxies of an invoker. */
  public record Deps(
      InvokerConfig config,
      ContainerRuntime runtime,
      ActionContainer.Factory containers,
      ActivationSource.Factory feeds,
      Publisher publisher,
      InvokerMetrics metrics,
      Clock clock) {
    public Deps {
      Objects.requireNonNull(config, "config should not be null");
      Objects.requireNonNull(runtime, "runtime should not be null");
      Objects.requireNonNull(containers, "containers should not be null");
      Objects.requireNonNull(feeds, "feeds should not be null");
      Objects.requireNonNull(publisher, "publisher should not be null");
      Objects.requireNonNull(metrics, "metrics should not be null");
      Objects.requireNonNull(clock, "clock should not be null");
    }
  }

  private final String name;
  private final Action action;
  private final ActorRef<Event> parent;
  private final Deps deps;
  private final TimerScheduler<Command> timers;
  private final Duration keepAlive;
  private final boolean collectLogs;
  private ProxyState state = ProxyState.starting();
  private RunningContainer container;
  private ActionContainer client;
  private ActivationSource feed;
  private LogCollector logs;
  private AutoCloseable logStream;
  private long initStart;

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
    deps.metrics().containerMoved(null, ContainerState.STARTING);
    String image = deps.config().imageFor(action.exec()).orElseThrow(
        () -> new IllegalArgumentException("no image for kind " + action.exec().kind()));
    ContainerSpec spec = new ContainerSpec(name, image, action.limits().memory(), Map.of(
        ContainerRuntime.INVOKER_LABEL, Integer.toString(deps.config().invokerId()),
        ContainerRuntime.ACTION_LABEL, action.fqn().path()));
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
        .onMessageEquals(Retire.INSTANCE, this::onRetire)
        .onMessageEquals(ContainerRemoved.INSTANCE, this::onContainerRemoved)
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  private Behavior<Command> onContainerStarted(ContainerStarted m) {
    container = m.container();
    client = deps.containers().connect(container.host(), container.port());
    if (collectLogs) {
      logs = new LogCollector();
      logStream = deps.runtime().followLogs(container.id(), logs::accept);
    }
    getContext().getLog().debug("Container {} of {} started at {}", name, action.fqn(), container.host());
    initStart = deps.clock().millis();
    getContext().pipeToSelf(
        client.init(ActivationResults.initPayload(action), deps.config().initTimeout(action.limits())),
        (o, e) -> new InitDone(o != null ? o : new CallOutcome.Failed(String.valueOf(e)),
            deps.clock().millis() - initStart));
    return apply(state.containerStarted());
  }

  private Behavior<Command> onStartFailed(StartFailed m) {
    getContext().getLog().warn("Container {} of {} did not start: {}", name, action.fqn(), m.error().getMessage());
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
      if (state.phase() == ProxyState.Phase.INIT_FAILED) completeWithInitFailure(d);
      else run(d);
    }
    return next;
  }

  private void run(Delivery d) {
    int timeoutMs = action.limits().timeout();
    long start = deps.clock().millis();
    CompletionStage<CallOutcome> call = client.run(
        ActivationResults.runPayload(d.message(), start, timeoutMs), deps.config().runTimeout(action.limits()));
    LogCollector collector = logs; // the continuation runs on an HTTP client thread: no actor fields there
    CompletionStage<RunDone> done = call.thenCompose(outcome -> {
      long end = deps.clock().millis();
      return logsAfter(collector, outcome).thenApply(lines -> new RunDone(d, start, end, outcome, lines));
    });
    getContext().pipeToSelf(done, (r, e) -> r != null ? r
        : new RunDone(d, start, deps.clock().millis(), new CallOutcome.Failed(String.valueOf(e)), List.of()));
  }

  /**
   * This activation's log lines, or none when they cannot be collected (concurrency above 1, container broken).
   * Called off the actor: touches only its arguments and immutable fields.
   */
  private CompletionStage<List<String>> logsAfter(LogCollector collector, CallOutcome outcome) {
    if (collector == null || !ActivationResults.containerSurvives(outcome)) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<String>> next = collector.next();
    long waitMs = deps.config().logCollectionTimeout().toMillis();
    return next.completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS).thenApply(lines -> {
      if (lines != null) return LogCollector.truncate(lines, action.limits().logs() * 1024);
      collector.abandon(next);
      return List.of();
    });
  }

  private Behavior<Command> onRunDone(RunDone m) {
    ActivationResponse response = ActivationResults.run(m.outcome(), action.limits().timeout());
    boolean timedOut = m.outcome() instanceof CallOutcome.TimedOut;
    deps.metrics().activation(outcomeOf(response), Duration.ofMillis(m.end() - m.start()));
    ActivationRecord record = ActivationResults.record(m.delivery().message(), action, response, m.start(), m.end(),
        state.initTimeFor(m.delivery().activationId()), timedOut, m.logs());
    publish(m.delivery(), record);
    if (!ActivationResults.containerSurvives(m.outcome())) {
      getContext().getLog().info("Container {} of {} is replaced after activation {}: {}", name, action.fqn(),
          m.delivery().activationId(), response.result());
      return apply(state.retire());
    }
    return this;
  }

  private void completeWithInitFailure(Delivery d) {
    long now = deps.clock().millis();
    List<String> initLogs = List.of();
    if (logs != null) initLogs = logs.next().getNow(List.of()); // the runtime ended the failed init's output
    publish(d, ActivationResults.record(d.message(), action, state.initFailure(), now, now,
        OptionalLong.empty(), false, initLogs));
  }

  private void publish(Delivery d, ActivationRecord record) {
    CompletionMessage completion =
        new CompletionMessage(record.activationId(), deps.config().invokerId(), container.id(), record);
    CompletableFuture<Void> written = CompletableFuture.allOf(
        deps.publisher().completion(d.message().controllerId(), completion).toCompletableFuture(),
        deps.publisher().activation(record).toCompletableFuture());
    getContext().pipeToSelf(written, (ok, e) -> new Published(d, e));
  }

  private Behavior<Command> onPublished(Published m) {
    if (feed == null) {
      getContext().getLog().debug("Activation {} published after the feed failed; it may be redelivered",
          m.delivery().activationId());
    } else if (m.error() == null) {
      feed.acknowledge(m.delivery());
    } else {
      getContext().getLog().warn("Publishing activation {} failed, releasing it for redelivery: {}",
          m.delivery().activationId(), m.error().toString());
      feed.release(m.delivery());
    }
    return apply(state.finished(m.delivery().activationId()));
  }

  private Behavior<Command> onFeedFailed(FeedFailed m) {
    getContext().getLog().warn("Feed of container {} failed: {}", name, m.error().toString());
    feed = null;
    return apply(state.feedFailed());
  }

  private Behavior<Command> onKeepAliveExpired() {
    getContext().getLog().debug("Container {} idle for {} ms", name, keepAlive.toMillis());
    return apply(state.keepAliveExpired());
  }

  private Behavior<Command> onRetire() {
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
    return this;
  }

  private Behavior<Command> apply(ProxyState.Transition t) {
    ProxyState before = state;
    state = t.state();
    deps.metrics().containerMoved(metricState(before.phase()), metricState(state.phase()));
    for (ProxyState.Effect effect : t.effects()) {
      switch (effect) {
        case JOIN_GROUP -> joinGroup();
        case REPORT_READY -> parent.tell(new Ready(name, container.id()));
        case ARM_KEEP_ALIVE -> timers.startSingleTimer(KEEP_ALIVE, KeepAliveExpired.INSTANCE, idleWindow());
        case DISARM_KEEP_ALIVE -> timers.cancel(KEEP_ALIVE);
        case LEAVE_GROUP -> leaveGroup();
        case REMOVE_CONTAINER -> removeContainer();
        case RUN, RELEASE -> { } // carried out by onPulled, which knows the delivery
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

  private void joinGroup() {
    ActorRef<Command> self = getContext().getSelf();
    // An init failure is reported on one activation only; a working container pulls as many as it may run.
    // Lanes times records per poll never exceeds the concurrency limit, so every pulled record can run at once.
    int concurrency = action.limits().concurrency();
    boolean failed = state.phase() == ProxyState.Phase.INIT_FAILED;
    int maxPoll = failed ? 1 : Math.min(deps.config().maxPollRecords(action.limits()), concurrency);
    int lanes = failed ? 1 : Math.max(1, concurrency / maxPoll);
    feed = deps.feeds().open(action.fqn(), name, lanes, maxPoll, ds -> self.tell(new Pulled(ds)),
        e -> self.tell(new FeedFailed(e)));
  }

  private void leaveGroup() {
    if (feed != null) feed.close();
  }

  private void removeContainer() {
    closeLogStream();
    if (container == null) {
      getContext().getSelf().tell(ContainerRemoved.INSTANCE);
      return;
    }
    getContext().pipeToSelf(deps.runtime().remove(container.id()), (ok, e) -> {
      if (e != null) getContext().getLog().warn("Removing container {} failed: {}", name, e.toString());
      return ContainerRemoved.INSTANCE;
    });
  }

  private void closeLogStream() {
    if (logStream == null) return;
    try {
      logStream.close();
    } catch (Exception e) {
      getContext().getLog().debug("Closing the log stream of {} failed: {}", name, e.toString());
    }
    logStream = null;
  }

  private static ContainerState metricState(ProxyState.Phase p) {
    switch (p) {
      case STARTING: return ContainerState.STARTING;
      case INITIALIZING: return ContainerState.INITIALIZING;
      case RUNNING: return ContainerState.RUNNING;
      case REMOVING: return ContainerState.REMOVING;
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
