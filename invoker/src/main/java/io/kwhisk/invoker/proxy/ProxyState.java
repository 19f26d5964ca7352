package io.kwhisk.invoker.proxy;

import io.kwhisk.common.message.ActivationResponse;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The life of one container as an immutable value: every method is a pure transition that returns the next state
 * and the effects the actor must carry out, so the whole life cycle is tested without an actor system or Docker.
 *
 * <pre>
 * STARTING -> INITIALIZING -> READY <-> RUNNING -> REMOVING
 *                          \-> INIT_FAILED (pull one activation, complete it with the init error) -> REMOVING
 * </pre>
 *
 * <p>An activation is "in flight" from the moment it is accepted until its completion is published (and so
 * acknowledged): the container is idle, and its keep-alive runs, only when nothing is in flight. A retiring
 * container (deleted or updated action, a run that timed out or lost its container) accepts nothing more and is
 * removed when its last activation is published.
 */
public record ProxyState(
    Phase phase,
    Set<String> inFlight,
    boolean retiring,
    ActivationResponse initFailure,
    long initTimeMs,
    String coldActivationId) {

  public enum Phase { STARTING, INITIALIZING, READY, RUNNING, INIT_FAILED, REMOVING }

  /** What the actor does after a transition, in list order. */
  public enum Effect {
    /** Start the activation feed: join the action's share group and pull. */
    JOIN_GROUP,
    /** Tell the pool the container is up (its creation is no longer in flight). */
    REPORT_READY,
    ARM_KEEP_ALIVE,
    DISARM_KEEP_ALIVE,
    /** Run the accepted activation (or, in INIT_FAILED, complete it with the init failure). */
    RUN,
    /** Give the record back to the group for another container: it was refused. */
    RELEASE,
    /** Close the feed: leave the group; unacknowledged records are released for redelivery. */
    LEAVE_GROUP,
    REMOVE_CONTAINER
  }

  /** A next state and the effects that lead to it. */
  public record Transition(ProxyState state, List<Effect> effects) {
    static Transition of(ProxyState state, Effect... effects) {
      return new Transition(state, List.of(effects));
    }
  }

  public ProxyState {
    Objects.requireNonNull(phase, "phase should not be null");
    inFlight = Set.copyOf(inFlight);
  }

  public static ProxyState starting() {
    return new ProxyState(Phase.STARTING, Set.of(), false, null, -1, null);
  }

  public Transition containerStarted() {
    require(Phase.STARTING);
    return Transition.of(withPhase(Phase.INITIALIZING));
  }

  /** The container never came up: nothing to remove, nothing was pulled. */
  public Transition startFailed() {
    require(Phase.STARTING);
    return Transition.of(withPhase(Phase.REMOVING), Effect.REMOVE_CONTAINER);
  }

  public Transition initialized(long initTimeMs) {
    require(Phase.INITIALIZING);
    ProxyState next = new ProxyState(Phase.READY, inFlight, retiring, null, initTimeMs, null);
    if (retiring) return Transition.of(next.withPhase(Phase.REMOVING), Effect.REMOVE_CONTAINER);
    return Transition.of(next, Effect.JOIN_GROUP, Effect.REPORT_READY, Effect.ARM_KEEP_ALIVE);
  }

  /**
   * {@code /init} failed. Rather than vanish and leave the callers waiting until the controller notices, the
   * container joins the group, pulls one activation and completes it with the init failure, then is removed.
   */
  public Transition initFailed(ActivationResponse failure) {
    require(Phase.INITIALIZING);
    Objects.requireNonNull(failure, "failure should not be null");
    ProxyState next = new ProxyState(Phase.INIT_FAILED, inFlight, retiring, failure, -1, null);
    if (retiring) return Transition.of(next.withPhase(Phase.REMOVING), Effect.REMOVE_CONTAINER);
    return Transition.of(next, Effect.JOIN_GROUP, Effect.REPORT_READY, Effect.ARM_KEEP_ALIVE);
  }

  /** An activation was pulled: run it, or release it when this container takes no more work. */
  public Transition accept(String activationId) {
    boolean open = EnumSet.of(Phase.READY, Phase.RUNNING).contains(phase)
        || (phase == Phase.INIT_FAILED && inFlight.isEmpty());
    if (!open || retiring || inFlight.contains(activationId)) return Transition.of(this, Effect.RELEASE);
    Set<String> running = new LinkedHashSet<>(inFlight);
    running.add(activationId);
    String cold = coldActivationId == null && initTimeMs >= 0 ? activationId : coldActivationId;
    Phase next = phase == Phase.INIT_FAILED ? Phase.INIT_FAILED : Phase.RUNNING;
    return Transition.of(
        new ProxyState(next, running, retiring, initFailure, initTimeMs, cold), Effect.DISARM_KEEP_ALIVE, Effect.RUN);
  }

  /** The activation's completion was published (and acknowledged, or released). */
  public Transition finished(String activationId) {
    if (!inFlight.contains(activationId)) return Transition.of(this);
    Set<String> running = new LinkedHashSet<>(inFlight);
    running.remove(activationId);
    ProxyState next = new ProxyState(phase, running, retiring, initFailure, initTimeMs, coldActivationId);
    if (phase == Phase.REMOVING || !running.isEmpty()) return Transition.of(next);
    if (retiring || phase == Phase.INIT_FAILED) return next.remove();
    return Transition.of(next.withPhase(Phase.READY), Effect.ARM_KEEP_ALIVE);
  }

  /** Nothing ran for the keep-alive window. */
  public Transition keepAliveExpired() {
    boolean idle = (phase == Phase.READY || phase == Phase.INIT_FAILED) && inFlight.isEmpty();
    return idle ? remove() : Transition.of(this);
  }

  /**
   * No more work for this container: its action was deleted or updated, or one of its runs timed out or lost the
   * container (whose state is then unknown). Running activations finish first.
   */
  public Transition retire() {
    switch (phase) {
      case REMOVING:
        return Transition.of(this);
      case STARTING:
      case INITIALIZING:
        return Transition.of(withRetiring());
      default:
        return inFlight.isEmpty() ? remove() : Transition.of(withRetiring());
    }
  }

  /** The feed failed: leave at once; records not yet acknowledged go back to the group. */
  public Transition feedFailed() {
    return phase == Phase.REMOVING ? Transition.of(this) : remove();
  }

  /** The init time to report on this activation's record: only the first activation of a container has one. */
  public OptionalLong initTimeFor(String activationId) {
    return activationId.equals(coldActivationId) ? OptionalLong.of(initTimeMs) : OptionalLong.empty();
  }

  public boolean isIdle() {
    return inFlight.isEmpty();
  }

  private Transition remove() {
    return Transition.of(
        withPhase(Phase.REMOVING), Effect.DISARM_KEEP_ALIVE, Effect.LEAVE_GROUP, Effect.REMOVE_CONTAINER);
  }

  private ProxyState withPhase(Phase p) {
    return new ProxyState(p, inFlight, retiring, initFailure, initTimeMs, coldActivationId);
  }

  private ProxyState withRetiring() {
    return new ProxyState(phase, inFlight, true, initFailure, initTimeMs, coldActivationId);
  }

  private void require(Phase expected) {
    if (phase != expected) throw new IllegalStateException("expected " + expected + " but the proxy is " + phase);
  }
}
