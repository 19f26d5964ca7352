package io.kwhisk.invoker.proxy;

import io.kwhisk.common.message.ActivationResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The life of one container as an immutable value: every method is a pure transition that returns
 * the next state and the effects the actor must carry out, so the whole life cycle is tested
 * without an actor system or Docker.
 *
 * <pre>
 * STARTING -> INITIALIZING -> READY <-> RUNNING -> REMOVING
 *                          \-> INIT_FAILED (complete one activation with the init error) -> REMOVING
 *          \-(image missing)-> UNAVAILABLE (complete every activation pulled with the error, until idle) -> REMOVING
 * (no image for the kind: {@link #beginUnavailable}) -> UNAVAILABLE
 * READY -(pause grace)-> PAUSING -> PAUSED -(activation pulled)-> RESUMING -> RUNNING
 * </pre>
 *
 * <p>Cold start: the proxy joins its action's share group as soon as it asks for the container
 * ({@link #begin}), so the join and the first fetch overlap the container's create, start and
 * {@code /init} instead of following them. An activation pulled while STARTING or INITIALIZING is
 * held ({@link ProxyEffect#HOLD}), never run before {@code /init} succeeded: it runs when the
 * container is initialised ({@link ProxyEffect#RUN_HELD}). If the container does not start,
 * everything held goes back to the action unrun ({@link ProxyEffect#REQUEUE_QUEUED}); if {@code
 * /init} fails, the first held activation is completed with the init error ({@link
 * ProxyEffect#FAIL_FIRST_HELD}, as OpenWhisk does) and the others go back unrun; if the container
 * is retired meanwhile, they all go back. What goes back from a container that never became ready
 * goes back as a new record, not released: it never ran, and an engine that fails one start after
 * another must not use up its deliveries (see {@link Requeues}). What a container that did run
 * gives back (a prefetch waiting for a slot, activations held while it was paused) is released
 * ({@link ProxyEffect#RELEASE_QUEUED}) and keeps its place at the head of the queue.
 *
 * <p>Pausing: the container's share consumer lives in the invoker, not in the container, so it
 * keeps pulling while the container is paused. An activation accepted while PAUSING, PAUSED or
 * RESUMING is held ({@link ProxyEffect#HOLD}) and run once the container is unpaused ({@link
 * ProxyEffect#RUN_HELD}); it never reaches a frozen container. A paused container still expires
 * with its keep-alive and is removed without unpausing (the engine kills paused containers).
 *
 * <p>An activation is "in flight" from the moment it is accepted until its completion is published
 * (and so acknowledged): the container is idle, and its keep-alive runs, only when nothing is in
 * flight. A retiring container (deleted or updated action, a run that timed out or lost its
 * container, the invoker stopping) accepts nothing more and is removed when its last activation is
 * published (or, still starting, once it is up). From the moment it takes no more work while it
 * stays in the group, its feed stops pulling ({@link ProxyEffect#STOP_PULLING}): every record a
 * poll acquires counts one of the record's five deliveries, and a record it released would be the
 * first its next poll acquires again.
 */
public record ProxyState(
    ProxyPhase phase,
    Set<String> inFlight,
    boolean retiring,
    ActivationResponse initFailure,
    long initTimeMs,
    String coldActivationId) {

  /** A next state and the effects that lead to it. */
  public record Transition(ProxyState state, List<ProxyEffect> effects) {
    public Transition {
      effects = List.copyOf(effects);
    }

    static Transition of(ProxyState state, ProxyEffect... effects) {
      return new Transition(state, List.of(effects));
    }

    /** This transition, with {@code first} carried out before its own effects. */
    Transition after(ProxyEffect first) {
      List<ProxyEffect> all = new ArrayList<>(effects.size() + 1);
      all.add(first);
      all.addAll(effects);
      return new Transition(state, all);
    }
  }

  public ProxyState {
    Objects.requireNonNull(phase, "phase should not be null");
    inFlight = Set.copyOf(inFlight);
  }

  public static ProxyState starting() {
    return new ProxyState(ProxyPhase.STARTING, Set.of(), false, null, -1, null);
  }

  /**
   * The container was asked of the engine: join the group now, so that the join overlaps its start
   * and init.
   */
  public Transition begin() {
    require(ProxyPhase.STARTING);
    return Transition.of(this, ProxyEffect.JOIN_GROUP);
  }

  public Transition containerStarted() {
    require(ProxyPhase.STARTING);
    return Transition.of(withPhase(ProxyPhase.INITIALIZING));
  }

  /**
   * The invoker has no image for the action's kind, so no container can be asked for: the proxy
   * joins the group all the same and is {@link ProxyPhase#UNAVAILABLE} at once (see {@link
   * #startFailed(ActivationResponse)}), so that the activations waiting for the action end with
   * {@code failure} instead of waiting for a container that never comes.
   */
  public Transition beginUnavailable(ActivationResponse failure) {
    require(ProxyPhase.STARTING);
    return startFailed(failure).after(ProxyEffect.JOIN_GROUP);
  }

  /**
   * The container never came up: nothing to remove; what was pulled meanwhile goes back to the
   * action unrun, as new records.
   */
  public Transition startFailed() {
    require(ProxyPhase.STARTING);
    return Transition.of(
        new ProxyState(ProxyPhase.REMOVING, Set.of(), retiring, null, -1, null),
        ProxyEffect.REQUEUE_QUEUED,
        ProxyEffect.LEAVE_GROUP,
        ProxyEffect.REMOVE_CONTAINER);
  }

  /**
   * The container can never start: its image does not exist, or the invoker has none for its kind.
   * Unlike a failure that another container may not meet (an engine error, an init failure), every
   * container of the action would fail the same way, so rather than leave the queued activations
   * waiting for containers that never come, this one (in the group since {@link #begin}) completes
   * every activation it holds or pulls with {@code failure}, at once, until none came for its idle
   * window; then it goes, and the controller asks for another if activations keep coming.
   */
  public Transition startFailed(ActivationResponse failure) {
    Objects.requireNonNull(failure, "failure should not be null");
    if (phase == ProxyPhase.REMOVING) return Transition.of(this);
    require(ProxyPhase.STARTING);
    if (retiring) return startFailed();
    ProxyState next = new ProxyState(ProxyPhase.UNAVAILABLE, inFlight, false, failure, -1, null);
    if (inFlight.isEmpty())
      return Transition.of(next, ProxyEffect.REPORT_READY, ProxyEffect.ARM_KEEP_ALIVE);
    return Transition.of(
        next, ProxyEffect.REPORT_READY, ProxyEffect.REPORT_BUSY, ProxyEffect.FAIL_HELD);
  }

  /**
   * {@code /init} succeeded: the activations held meanwhile run now, the first of them reporting
   * the init time. A container removed meanwhile (its feed failed) ignores it.
   */
  public Transition initialized(long initTimeMs) {
    if (phase == ProxyPhase.REMOVING) return Transition.of(this);
    require(ProxyPhase.INITIALIZING);
    if (retiring) return requeueHeldAndRemove();
    if (inFlight.isEmpty()) {
      return Transition.of(
          new ProxyState(ProxyPhase.READY, inFlight, false, null, initTimeMs, null),
          ProxyEffect.REPORT_READY,
          ProxyEffect.ARM_KEEP_ALIVE);
    }
    return Transition.of(
        new ProxyState(ProxyPhase.RUNNING, inFlight, false, null, initTimeMs, coldActivationId),
        ProxyEffect.REPORT_READY,
        ProxyEffect.REPORT_BUSY,
        ProxyEffect.RUN_HELD);
  }

  /**
   * {@code /init} failed. Rather than vanish and leave the callers waiting until the controller
   * notices, the container completes one activation with the init failure, then is removed: the
   * first one held if it pulled any during the init (the others go back to the group, never run),
   * else the next one it pulls.
   */
  public Transition initFailed(ActivationResponse failure) {
    Objects.requireNonNull(failure, "failure should not be null");
    if (phase == ProxyPhase.REMOVING) return Transition.of(this);
    require(ProxyPhase.INITIALIZING);
    if (retiring) return requeueHeldAndRemove();
    if (inFlight.isEmpty()) {
      return Transition.of(
          new ProxyState(ProxyPhase.INIT_FAILED, inFlight, false, failure, -1, null),
          ProxyEffect.REPORT_READY,
          ProxyEffect.ARM_KEEP_ALIVE);
    }
    ProxyState next =
        new ProxyState(
            ProxyPhase.INIT_FAILED, Set.of(coldActivationId), false, failure, -1, coldActivationId);
    return Transition.of(
        next, ProxyEffect.REPORT_READY, ProxyEffect.FAIL_FIRST_HELD, ProxyEffect.REQUEUE_QUEUED);
  }

  /**
   * Retired while initialising: whatever was held goes back to the action unrun, and the container
   * goes.
   */
  private Transition requeueHeldAndRemove() {
    ProxyState next = new ProxyState(ProxyPhase.INITIALIZING, Set.of(), true, null, -1, null);
    return next.remove().after(ProxyEffect.REQUEUE_QUEUED);
  }

  /**
   * An activation was pulled: run it (or hold it while initialising or paused), complete it with
   * the failure of a container that failed its init or can never start, or release it when this
   * container takes no more work.
   */
  public Transition accept(String activationId) {
    if (phase == ProxyPhase.STARTING || phase == ProxyPhase.INITIALIZING) return hold(activationId);
    boolean open = phase.up() || (phase == ProxyPhase.INIT_FAILED && inFlight.isEmpty());
    if (!open || retiring || inFlight.contains(activationId))
      return Transition.of(this, ProxyEffect.RELEASE);
    Set<String> running = new LinkedHashSet<>(inFlight);
    running.add(activationId);
    String cold = coldActivationId == null && initTimeMs >= 0 ? activationId : coldActivationId;
    ProxyPhase next =
        switch (phase) {
          case INIT_FAILED, UNAVAILABLE, PAUSING, RESUMING -> phase;
          case PAUSED -> ProxyPhase.RESUMING;
          default -> ProxyPhase.RUNNING;
        };
    ProxyState accepted = new ProxyState(next, running, retiring, initFailure, initTimeMs, cold);
    List<ProxyEffect> effects = new ArrayList<>(List.of(ProxyEffect.DISARM_KEEP_ALIVE));
    if (inFlight.isEmpty()) effects.add(ProxyEffect.REPORT_BUSY);
    if (phase == ProxyPhase.PAUSED) effects.add(ProxyEffect.UNPAUSE);
    boolean unusable = phase == ProxyPhase.INIT_FAILED || phase == ProxyPhase.UNAVAILABLE;
    effects.add(phase.frozen() ? ProxyEffect.HOLD : unusable ? ProxyEffect.FAIL : ProxyEffect.RUN);
    return new Transition(accepted, effects);
  }

  /**
   * Pulled before the container is initialised: held until {@code /init} ends. The first held is
   * the container's cold activation. The pool hears of it (busy) only with the container's
   * readiness.
   */
  private Transition hold(String activationId) {
    if (retiring || inFlight.contains(activationId))
      return Transition.of(this, ProxyEffect.RELEASE);
    Set<String> held = new LinkedHashSet<>(inFlight);
    held.add(activationId);
    String cold = coldActivationId == null ? activationId : coldActivationId;
    return Transition.of(new ProxyState(phase, held, false, null, -1, cold), ProxyEffect.HOLD);
  }

  /**
   * The container was idle for the pause grace: freeze it. Only a container that ran an activation
   * is paused; one that waits for its first may still be joining its group, and its first
   * activation should not pay an unpause.
   */
  public Transition pauseGraceExpired() {
    boolean idle =
        phase == ProxyPhase.READY && inFlight.isEmpty() && !retiring && coldActivationId != null;
    return idle
        ? Transition.of(withPhase(ProxyPhase.PAUSING), ProxyEffect.PAUSE)
        : Transition.of(this);
  }

  /**
   * {@code docker pause} returned ({@code ok}) or failed (the container then simply stays
   * unpaused).
   */
  public Transition pauseDone(boolean ok) {
    if (phase != ProxyPhase.PAUSING) return Transition.of(this);
    if (!ok) {
      if (inFlight.isEmpty())
        return retiring ? remove() : Transition.of(withPhase(ProxyPhase.READY));
      return Transition.of(withPhase(ProxyPhase.RUNNING), ProxyEffect.RUN_HELD);
    }
    if (!inFlight.isEmpty())
      return Transition.of(withPhase(ProxyPhase.RESUMING), ProxyEffect.UNPAUSE);
    return retiring ? remove() : Transition.of(withPhase(ProxyPhase.PAUSED));
  }

  /**
   * {@code docker unpause} returned: held activations run. If it failed the container's state is
   * unknown: it is removed, and the held activations, never run nor acknowledged, go back to the
   * group when the feed closes.
   */
  public Transition resumed(boolean ok) {
    if (phase != ProxyPhase.RESUMING) return Transition.of(this);
    if (!ok) return remove();
    return Transition.of(
        withPhase(inFlight.isEmpty() ? ProxyPhase.READY : ProxyPhase.RUNNING),
        ProxyEffect.RUN_HELD);
  }

  /** The activation's completion was published (and acknowledged, or released). */
  public Transition finished(String activationId) {
    if (!inFlight.contains(activationId)) return Transition.of(this);
    Set<String> running = new LinkedHashSet<>(inFlight);
    running.remove(activationId);
    boolean starting = phase == ProxyPhase.STARTING || phase == ProxyPhase.INITIALIZING;
    String cold = starting && activationId.equals(coldActivationId) ? null : coldActivationId;
    ProxyState next = new ProxyState(phase, running, retiring, initFailure, initTimeMs, cold);
    if (phase == ProxyPhase.REMOVING || starting || !running.isEmpty()) return Transition.of(next);
    if (retiring || phase == ProxyPhase.INIT_FAILED) return next.remove();
    if (phase == ProxyPhase.UNAVAILABLE) return Transition.of(next, ProxyEffect.ARM_KEEP_ALIVE);
    return Transition.of(
        next.withPhase(ProxyPhase.READY), ProxyEffect.ARM_KEEP_ALIVE, ProxyEffect.REPORT_IDLE);
  }

  /**
   * A {@code /run} ended with {@code response}. As in OpenWhisk, a container stays in use only
   * after a success or an application error; after a developer error (a non-200 answer, a time-out,
   * a broken connection, ...) or a whisk error its state is unknown: it takes no more work, gives
   * back what waits for a slot, and is removed once its activations in flight are published, so the
   * next activation gets a fresh container.
   */
  public Transition runEnded(ActivationResponse response) {
    if (ActivationResults.keepsContainer(response) || phase == ProxyPhase.REMOVING)
      return Transition.of(this);
    return retire(); // the ended run is in flight: retire gives back what waits first
  }

  /** Nothing ran for the keep-alive window. */
  public Transition keepAliveExpired() {
    boolean idle =
        EnumSet.of(
                    ProxyPhase.READY,
                    ProxyPhase.INIT_FAILED,
                    ProxyPhase.UNAVAILABLE,
                    ProxyPhase.PAUSED)
                .contains(phase)
            && inFlight.isEmpty();
    if (phase == ProxyPhase.PAUSING && inFlight.isEmpty())
      return stopTakingWork(); // removed once paused
    return idle ? remove() : Transition.of(this);
  }

  /**
   * No more work for this container: its action was deleted or updated, or one of its runs timed
   * out or lost the container (whose state is then unknown). Running activations finish first;
   * those that wait (held while the container starts, initialises or is paused, or for a slot) go
   * back first: as new records if the container never became ready, else released.
   */
  public Transition retire() {
    Transition next =
        switch (phase) {
          case REMOVING -> Transition.of(this);
          case STARTING, INITIALIZING, PAUSING, RESUMING -> stopTakingWork();
          default -> inFlight.isEmpty() ? remove() : stopTakingWork();
        };
    if (phase == ProxyPhase.REMOVING || inFlight.isEmpty()) return next;
    boolean neverReady = phase == ProxyPhase.STARTING || phase == ProxyPhase.INITIALIZING;
    return next.after(neverReady ? ProxyEffect.REQUEUE_QUEUED : ProxyEffect.RELEASE_QUEUED);
  }

  /** Takes no more work, stays until what it runs is published or it can be removed. */
  private Transition stopTakingWork() {
    return retiring ? Transition.of(this) : Transition.of(withRetiring(), ProxyEffect.STOP_PULLING);
  }

  /**
   * The feed failed: leave at once; records not yet acknowledged go back to the group. A container
   * still starting is removed once it is up (it cannot be removed before).
   */
  public Transition feedFailed() {
    if (phase == ProxyPhase.STARTING)
      return Transition.of(new ProxyState(phase, Set.of(), true, null, -1, null));
    return phase == ProxyPhase.REMOVING ? Transition.of(this) : remove();
  }

  /**
   * The init time to report on this activation's record: only the first activation of a container
   * has one.
   */
  public OptionalLong initTimeFor(String activationId) {
    return activationId.equals(coldActivationId)
        ? OptionalLong.of(initTimeMs)
        : OptionalLong.empty();
  }

  public boolean isIdle() {
    return inFlight.isEmpty();
  }

  private Transition remove() {
    return Transition.of(
        withPhase(ProxyPhase.REMOVING),
        ProxyEffect.DISARM_KEEP_ALIVE,
        ProxyEffect.LEAVE_GROUP,
        ProxyEffect.REMOVE_CONTAINER);
  }

  private ProxyState withPhase(ProxyPhase p) {
    return new ProxyState(p, inFlight, retiring, initFailure, initTimeMs, coldActivationId);
  }

  private ProxyState withRetiring() {
    return new ProxyState(phase, inFlight, true, initFailure, initTimeMs, coldActivationId);
  }

  private void require(ProxyPhase expected) {
    if (phase != expected)
      throw new IllegalStateException("expected " + expected + " but the proxy is " + phase);
  }
}
