package io.kwhisk.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Decides when and where containers are created. Contract with its callers:
 *
 * <ol>
 *   <li>The HTTP layer sends {@link Submitted} once an activation is on its action's topic, the
 *       completion reader sends {@link Completed} for its first completion, the health reader sends
 *       each {@link HeartbeatReceived}, and the HTTP layer reports updates and deletions ({@link
 *       ActionUpdated}, {@link ActionDeleted}).
 *   <li>Every {@code tick} (and at once when an action with no container gets work) it runs {@link
 *       SchedulingPolicy#decide} and sends the resulting {@link ContainerCreation}s through {@link
 *       InvokerCommands}, which never blocks.
 *   <li>After every change it publishes a {@link SchedulerView} to the given reference, for readers
 *       outside the actor.
 *   <li>An outstanding activation whose completion never arrives is forgotten after {@code
 *       activationTtl} past its action's timeout, so a lost completion cannot pin containers
 *       forever.
 *   <li>With several controllers ({@link Ownership#shared}), it creates containers only for the
 *       actions it owns ({@link OwnershipChanged}, from the scheduling group), from its own
 *       outstanding activations plus those the others report ({@link DemandReported}); for the
 *       others it sends its counts through {@link DemandReports} instead ({@link SharedDemand}).
 *   <li>With a keep-alive policy, each creation carries the action's window, a changed window goes
 *       to the invokers hosting the action ({@link ContainerKeepAlive}), and an idle action whose
 *       policy pre-warms gets a container on free memory when its pre-warm window has passed, at
 *       most {@link #PREWARMS_PER_TICK} per tick ({@link KeepAlives}). It learns from the arrivals
 *       it sees: with several controllers, the owner decides from its own arrivals only.
 * </ol>
 */
public final class Scheduler extends AbstractBehavior<Scheduler.Command> {
  /** The scheduler's protocol. */
  public sealed interface Command {}

  /**
   * {@code replayed}: read while catching up at start-up, so its own timestamp, not now, says when
   * it was sent.
   */
  public record HeartbeatReceived(InvokerHeartbeat heartbeat, boolean replayed)
      implements Command {}

  public record Submitted(String activationId, Action action) implements Command {}

  /**
   * An activation's first completion; {@code durationMs} is how long its {@code /run} took (-1: not
   * known).
   */
  public record Completed(String activationId, long durationMs) implements Command {
    /**
     * The completion {@code m} tells of: its record's duration without the {@code /init} a cold
     * start's record counts in it (as OpenWhisk's records do); none for a whisk error, which tells
     * of the platform, not of the action.
     */
    public static Completed of(CompletionMessage m) {
      ActivationRecord r = m.record();
      if (r.statusCode() == ActivationResponse.WHISK_ERROR)
        return new Completed(m.activationId(), -1);
      long init = r.annotation("initTime").map(JsonNode::asLong).orElse(0L);
      return new Completed(m.activationId(), r.duration() - init);
    }
  }

  /** The action was updated: later creations carry the new revision. */
  public record ActionUpdated(Action action) implements Command {}

  /**
   * The action was deleted: its queued activations went with its topic, so nothing is outstanding
   * any more.
   */
  public record ActionDeleted(String actionPath) implements Command {}

  /**
   * The scheduling group assigned this controller other partitions: it owns other actions from now
   * on.
   */
  public record OwnershipChanged(Ownership ownership) implements Command {}

  /**
   * Another controller's outstanding activations of an action (this one owns it, or did when it was
   * sent).
   */
  public record DemandReported(DemandReport report) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  /** Pre-warm creations planned per tick at most, after the creations activations wait for. */
  static final int PREWARMS_PER_TICK = 4;

  /**
   * How long past its action's timeout an outstanding activation still counts as demand: a lost
   * completion cannot pin containers for longer.
   */
  public static final Duration ACTIVATION_GRACE = Duration.ofSeconds(60);

  /**
   * Timings and identity the actor needs; {@code keepAlivePolicy} null leaves keep-alive to the
   * invokers.
   */
  public record Settings(
      int controllerId,
      Duration tick,
      Duration heartbeatTimeout,
      Duration creationTimeout,
      Duration activationTtl,
      Duration scaleOutWait,
      KeepAlivePolicy keepAlivePolicy) {
    /** Without a keep-alive policy. */
    public Settings(
        int controllerId,
        Duration tick,
        Duration heartbeatTimeout,
        Duration creationTimeout,
        Duration activationTtl,
        Duration scaleOutWait) {
      this(
          controllerId, tick, heartbeatTimeout, creationTimeout, activationTtl, scaleOutWait, null);
    }
  }

  private final Settings settings;
  private final InvokerCommands commands;
  private final Clock clock;
  private final AtomicReference<SchedulerView> view;
  private final Invokers invokers;
  private final OutstandingActivations outstanding = new OutstandingActivations();
  private final RunTimes runTimes = new RunTimes();

  /** Busy actions with more containers than they need, and since when ({@link ScaleIn}). */
  private Map<String, ScaleIn> surpluses = Map.of();

  private final Map<String, Action> actions = new HashMap<>();
  private final KeepAlives keepAlives;
  private final Creations creations;
  private long lastExpiry;
  private final DemandSharing sharing;

  /** A lone controller's scheduler: it owns every action. */
  public static Behavior<Command> create(
      Settings settings,
      InvokerCommands commands,
      Clock clock,
      AtomicReference<SchedulerView> view) {
    return create(settings, commands, clock, view, Ownership.ALL, DemandReports.NONE);
  }

  /**
   * A scheduler that owns the actions of {@code initial} until told otherwise, and reports the
   * others'.
   */
  public static Behavior<Command> create(
      Settings settings,
      InvokerCommands commands,
      Clock clock,
      AtomicReference<SchedulerView> view,
      Ownership initial,
      DemandReports reports) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new Scheduler(ctx, timers, settings, commands, clock, view, initial, reports)));
  }

  private Scheduler(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      Settings settings,
      InvokerCommands commands,
      Clock clock,
      AtomicReference<SchedulerView> view,
      Ownership initial,
      DemandReports reports) {
    super(ctx);
    this.settings = settings;
    this.commands = commands;
    this.sharing = new DemandSharing(settings.controllerId(), initial, reports);
    this.invokers = new Invokers(settings.heartbeatTimeout().toMillis());
    this.creations =
        new Creations(settings.controllerId(), commands, settings.creationTimeout().toMillis());
    this.clock = clock;
    this.view = view;
    this.keepAlives = new KeepAlives(settings.keepAlivePolicy());
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HeartbeatReceived.class, this::onHeartbeat)
        .onMessage(Submitted.class, this::onSubmitted)
        .onMessage(Completed.class, this::onCompleted)
        .onMessage(ActionUpdated.class, this::onActionUpdated)
        .onMessage(ActionDeleted.class, this::onActionDeleted)
        .onMessage(OwnershipChanged.class, this::onOwnershipChanged)
        .onMessage(DemandReported.class, this::onDemandReported)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .build();
  }

  private Behavior<Command> onHeartbeat(HeartbeatReceived msg) {
    InvokerHeartbeat hb = msg.heartbeat();
    Invokers.Heard heard = invokers.heard(hb, msg.replayed(), clock.millis());
    if (heard == Invokers.Heard.STALE) return this;
    if (heard == Invokers.Heard.NOW_HEALTHY) {
      getContext()
          .getLog()
          .info("invoker {} is healthy ({} MB free)", hb.invokerId(), hb.freeMemoryMb());
    }
    creations.heard(hb);
    publish();
    return this;
  }

  private Behavior<Command> onSubmitted(Submitted msg) {
    String path = msg.action().fqn().path();
    long ttl = msg.action().limits().timeout() + settings.activationTtl().toMillis();
    long now = clock.millis();
    boolean busy = outstanding.has(path);
    if (outstanding.add(msg.activationId(), path, now, now + ttl)) {
      keepAlives.arrived(msg.action(), busy, now);
      if (sharing.owns(path)) refreshKeepAlive(msg.action(), now);
    }
    actions.put(path, msg.action());
    if (view.get().containers(path) > 0) return this;
    if (sharing.owns(path)) schedule();
    else sharing.arrivedWithoutContainer(msg.action(), outstanding.count(path), now);
    return this;
  }

  /** Gives the action's containers its window if the policy changed it. */
  private void refreshKeepAlive(Action action, long now) {
    keepAlives
        .changed(action.fqn().path(), now)
        .ifPresent(
            ms -> {
              var change = new ContainerKeepAlive(action.namespace(), action.name(), ms);
              view.get()
                  .invokersHosting(action.fqn().path())
                  .forEach(id -> commands.send(id, change));
            });
  }

  private Behavior<Command> onCompleted(Completed msg) {
    outstanding
        .complete(msg.activationId())
        .ifPresent(
            left -> {
              runTimes.completed(left.path(), msg.durationMs(), clock.millis());
              left(left);
            });
    return this;
  }

  private Behavior<Command> onActionUpdated(ActionUpdated msg) {
    actions.computeIfPresent(msg.action().fqn().path(), (path, old) -> msg.action());
    runTimes.forget(msg.action().fqn().path());
    keepAlives.updated(msg.action());
    return this;
  }

  private Behavior<Command> onActionDeleted(ActionDeleted msg) {
    outstanding.forget(msg.actionPath());
    actions.remove(msg.actionPath());
    runTimes.forget(msg.actionPath());
    surpluses = ScaleIn.without(surpluses, msg.actionPath());
    keepAlives.forget(msg.actionPath());
    creations.forget(msg.actionPath());
    sharing.forget(msg.actionPath());
    publish();
    return this;
  }

  private Behavior<Command> onOwnershipChanged(OwnershipChanged msg) {
    Ownership ownership = msg.ownership();
    getContext()
        .getLog()
        .info(
            "scheduling the actions of partitions {} of {}",
            ownership.owned(),
            ownership.partitions());
    sharing.ownershipChanged(ownership, clock.millis());
    schedule();
    return this;
  }

  private Behavior<Command> onDemandReported(DemandReported msg) {
    DemandReport report = msg.report();
    boolean owned = sharing.received(report, clock.millis());
    if (owned && view.get().containers(report.action().fqn().path()) == 0) schedule();
    return this;
  }

  private Behavior<Command> onTick() {
    long now = clock.millis();
    if (now - lastExpiry >= 1000) {
      lastExpiry = now;
      outstanding.expire(now).forEach(this::left);
      sharing.expire(now);
      keepAlives.expire(now);
    }
    schedule();
    return this;
  }

  private void schedule() {
    long now = clock.millis();
    List<InvokerState> healthy = invokers.healthy(now);
    creations.expire(now, healthy.stream().map(InvokerState::id).toList());
    List<Demand> local = new ArrayList<>();
    outstanding.forEach(
        (path, n, oldest) ->
            local.add(new Demand(actions.get(path), n, oldest, runTimes.typical(path, now))));
    List<Demand> demands = sharing.toSchedule(local, now);
    List<CreationInFlight> inFlight = creations.inFlight();
    List<PlannedCreation> plan =
        SchedulingPolicy.decide(demands, healthy, inFlight, settings.scaleOutWait().toMillis());
    if (settings.scaleOutWait().toMillis() > 0) scaleIn(demands, healthy, inFlight, now);
    List<Action> due = keepAlives.due(now, path -> sharing.owns(path) && !outstanding.has(path));
    List<PlannedCreation> prewarms =
        due.isEmpty()
            ? List.of()
            : KeepAlives.place(due, healthy, inFlight, plan, PREWARMS_PER_TICK);
    plan.forEach(p -> create(p, keepAlives.forCreation(p.action().fqn().path(), now)));
    for (PlannedCreation p : prewarms) {
      keepAlives.prewarmed(p.action().fqn().path());
      create(p, keepAlives.forPrewarm(p.action().fqn().path(), now));
    }
    publish();
  }

  /**
   * Retires the surplus of busy actions that had more containers than they need for long enough.
   */
  private void scaleIn(
      List<Demand> demands, List<InvokerState> healthy, List<CreationInFlight> inFlight, long now) {
    ScaleIn.Decision d =
        ScaleIn.decide(
            surpluses, demands, healthy, inFlight, settings.scaleOutWait().toMillis(), now);
    surpluses = d.surpluses();
    for (ScaleIn.Retirement r : d.retirements()) {
      getContext()
          .getLog()
          .info(
              "retiring {} of the containers of {} on invoker {}: it needs {}",
              r.deletion().count(),
              r.path(),
              r.invokerId(),
              r.need());
      commands.send(r.invokerId(), r.deletion());
    }
  }

  /** Sends the creation {@code p} with an idle window of {@code keepAliveMs}. */
  private void create(PlannedCreation p, long keepAliveMs) {
    getContext()
        .getLog()
        .debug(
            "creating a container of {} on invoker {} (keep-alive {} ms)",
            p.action().fqn(),
            p.invokerId(),
            keepAliveMs);
    creations.send(p, keepAliveMs, clock.millis());
  }

  /** An activation left {@code left.path()}: with its last one, the action is idle. */
  private void left(OutstandingActivations.Left left) {
    if (!left.last()) return;
    actions.remove(left.path());
    keepAlives.idle(left.path(), clock.millis());
  }

  private void publish() {
    view.set(new SchedulerView(invokers.healthyById(clock.millis()), creations.inFlight()));
  }
}
