package io.kwhisk.invoker.proxy;

import static io.kwhisk.invoker.proxy.ProxyEffect.ARM_KEEP_ALIVE;
import static io.kwhisk.invoker.proxy.ProxyEffect.DISARM_KEEP_ALIVE;
import static io.kwhisk.invoker.proxy.ProxyEffect.FAIL;
import static io.kwhisk.invoker.proxy.ProxyEffect.FAIL_FIRST_HELD;
import static io.kwhisk.invoker.proxy.ProxyEffect.FAIL_HELD;
import static io.kwhisk.invoker.proxy.ProxyEffect.HOLD;
import static io.kwhisk.invoker.proxy.ProxyEffect.JOIN_GROUP;
import static io.kwhisk.invoker.proxy.ProxyEffect.LEAVE_GROUP;
import static io.kwhisk.invoker.proxy.ProxyEffect.PAUSE;
import static io.kwhisk.invoker.proxy.ProxyEffect.RELEASE;
import static io.kwhisk.invoker.proxy.ProxyEffect.RELEASE_QUEUED;
import static io.kwhisk.invoker.proxy.ProxyEffect.REMOVE_CONTAINER;
import static io.kwhisk.invoker.proxy.ProxyEffect.REPORT_BUSY;
import static io.kwhisk.invoker.proxy.ProxyEffect.REPORT_IDLE;
import static io.kwhisk.invoker.proxy.ProxyEffect.REPORT_READY;
import static io.kwhisk.invoker.proxy.ProxyEffect.REQUEUE_QUEUED;
import static io.kwhisk.invoker.proxy.ProxyEffect.RUN;
import static io.kwhisk.invoker.proxy.ProxyEffect.RUN_HELD;
import static io.kwhisk.invoker.proxy.ProxyEffect.STOP_PULLING;
import static io.kwhisk.invoker.proxy.ProxyEffect.UNPAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.proxy.ProxyState.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ProxyStateTest {
  private static ProxyState ready() {
    return ProxyState.starting().containerStarted().state().initialized(120).state();
  }

  @Test
  void aProxyJoinsTheGroupAsSoonAsItAsksForItsContainer() {
    Transition begun = ProxyState.starting().begin();
    assertThat(begun.state().phase()).isEqualTo(ProxyPhase.STARTING);
    assertThat(begun.effects()).containsExactly(JOIN_GROUP);

    Transition started = begun.state().containerStarted();
    assertThat(started.state().phase()).isEqualTo(ProxyPhase.INITIALIZING);
    assertThat(started.effects()).isEmpty();

    Transition initialized = started.state().initialized(120);
    assertThat(initialized.state().phase()).isEqualTo(ProxyPhase.READY);
    assertThat(initialized.effects()).containsExactly(REPORT_READY, ARM_KEEP_ALIVE);
  }

  @Test
  void activationsPulledBeforeTheInitEndedAreHeldAndRunOnlyOnceTheInitSucceeded() {
    Transition held = ProxyState.starting().accept("a1");
    assertThat(held.state().phase()).isEqualTo(ProxyPhase.STARTING);
    assertThat(held.effects())
        .as("never run nor reported busy before the init")
        .containsExactly(HOLD);
    Transition heldToo = held.state().containerStarted().state().accept("a2");
    assertThat(heldToo.effects()).containsExactly(HOLD);
    ProxyState twoHeld = heldToo.state();
    assertThat(twoHeld.accept("a1").effects())
        .as("a redelivery of a held one")
        .containsExactly(RELEASE);

    Transition initialized = twoHeld.initialized(120);
    assertThat(initialized.state().phase()).isEqualTo(ProxyPhase.RUNNING);
    assertThat(initialized.state().inFlight()).containsExactlyInAnyOrder("a1", "a2");
    assertThat(initialized.effects()).containsExactly(REPORT_READY, REPORT_BUSY, RUN_HELD);
    assertThat(initialized.state().initTimeFor("a1"))
        .as("the first held is the cold one")
        .hasValue(120);
    assertThat(initialized.state().initTimeFor("a2")).isEmpty();

    ProxyState idle = initialized.state().finished("a1").state().finished("a2").state();
    assertThat(idle.phase()).isEqualTo(ProxyPhase.READY);
    assertThat(idle.accept("a3").effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, RUN);
  }

  @Test
  void aFailedInitCompletesTheFirstHeldActivationWithTheFailureAndGivesTheOthersBack() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    ProxyState held =
        ProxyState.starting().containerStarted().state().accept("a1").state().accept("a2").state();

    Transition failed = held.initFailed(failure);
    assertThat(failed.state().phase()).isEqualTo(ProxyPhase.INIT_FAILED);
    assertThat(failed.effects()).containsExactly(REPORT_READY, FAIL_FIRST_HELD, REQUEUE_QUEUED);
    assertThat(failed.state().inFlight())
        .as("only the one completed with the failure")
        .containsExactly("a1");
    assertThat(failed.state().finished("a2").state())
        .as("a2 went back, unrun")
        .isEqualTo(failed.state());
    assertThat(failed.state().accept("a3").effects()).containsExactly(RELEASE);

    Transition reported = failed.state().finished("a1");
    assertThat(reported.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(reported.effects())
        .containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aContainerRetiredWhileInitialisingGivesBackWhatItHeldAndLeavesTheGroup() {
    ProxyState held = ProxyState.starting().containerStarted().state().accept("a1").state();
    // The proxy gives its held deliveries back when retired (REQUEUE_QUEUED), each counting as
    // finished.
    ProxyState released = held.finished("a1").state();
    assertThat(released.phase()).isEqualTo(ProxyPhase.INITIALIZING);
    assertThat(released.inFlight()).isEmpty();
    ProxyState retired = released.retire().state();
    assertThat(retired.accept("a2").effects()).containsExactly(RELEASE);

    Transition t = retired.initialized(50);
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(t.effects())
        .containsExactly(REQUEUE_QUEUED, DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    assertThat(retired.initFailed(failure).effects())
        .containsExactly(REQUEUE_QUEUED, DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aContainerRetiredBeforeItIsUpStopsPullingOnceAndKeepsItsGroupMembershipUntilItCanGo() {
    // Still starting (or initialising), it cannot be removed yet: its feed stays in the group but
    // must not acquire records it would only release (each acquisition is one of five deliveries).
    for (ProxyState up :
        java.util.List.of(
            ProxyState.starting(), ProxyState.starting().containerStarted().state())) {
      Transition retired = up.retire();
      assertThat(retired.state().retiring()).isTrue();
      assertThat(retired.effects()).containsExactly(STOP_PULLING);
      assertThat(retired.state().retire().effects()).as("once").isEmpty();
      assertThat(retired.state().accept("late").effects())
          .as("what a poll under way still brings goes back")
          .containsExactly(RELEASE);
    }
  }

  @Test
  void aContainerWhoseFeedFailedDuringTheInitIgnoresTheInitsEnd() {
    Transition failed =
        ProxyState.starting().containerStarted().state().accept("a1").state().feedFailed();
    assertThat(failed.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(failed.effects()).containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
    assertThat(failed.state().initialized(10).effects()).isEmpty();
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    assertThat(failed.state().initFailed(failure).effects()).isEmpty();
  }

  @Test
  void aContainerWhoseFeedFailedWhileItStartedIsRemovedOnceItIsUp() {
    Transition failed = ProxyState.starting().accept("a1").state().feedFailed();
    assertThat(failed.state().phase()).as("nothing to remove yet").isEqualTo(ProxyPhase.STARTING);
    assertThat(failed.state().inFlight()).as("the closed feed gave a1 back").isEmpty();
    assertThat(failed.state().accept("a2").effects()).containsExactly(RELEASE);
    Transition t = failed.state().containerStarted().state().initialized(50);
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(t.effects()).contains(REMOVE_CONTAINER);
  }

  @Test
  void aContainerThatNeverStartedGivesBackWhatItHeldUnrunAndLeavesTheGroup() {
    ProxyState held = ProxyState.starting().begin().state().accept("a1").state();
    assertThat(held.phase()).isEqualTo(ProxyPhase.STARTING);
    assertThat(held.inFlight()).containsExactly("a1");

    Transition t = held.startFailed();
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(t.state().inFlight()).isEmpty();
    assertThat(t.effects()).containsExactly(REQUEUE_QUEUED, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void whatAContainerHeldBeforeItWasReadyGoesBackAsNewRecordsAndWhatARunningOneHeldIsReleased() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    ProxyState starting = ProxyState.starting().begin().state().accept("a1").state();
    ProxyState initializing = starting.containerStarted().state().accept("a2").state();
    assertThat(starting.startFailed().effects()).as("never started").contains(REQUEUE_QUEUED);
    assertThat(initializing.initFailed(failure).effects())
        .as("the others of a failed /init")
        .contains(REQUEUE_QUEUED);
    for (ProxyState neverReady : java.util.List.of(starting, initializing)) {
      assertThat(neverReady.retire().effects())
          .as("retired before it was ready")
          .containsExactly(REQUEUE_QUEUED, STOP_PULLING);
    }

    ProxyState running = ready().accept("a1").state().accept("a2").state();
    for (Transition ran :
        java.util.List.of(
            running.retire(),
            running.runEnded(ActivationResponse.developerError(Json.object())),
            usedThenIdle().pauseGraceExpired().state().accept("a3").state().retire())) {
      assertThat(ran.effects())
          .as("a container that ran releases what waits: it keeps its place in the queue")
          .contains(RELEASE_QUEUED)
          .doesNotContain(REQUEUE_QUEUED);
    }
    assertThat(running.retire().state().accept("a4").effects())
        .as("refused by a retiring container")
        .containsExactly(RELEASE);
  }

  @Test
  void anAcceptedActivationRunsAndStopsTheKeepAlive() {
    Transition t = ready().accept("a1");
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.RUNNING);
    assertThat(t.state().inFlight()).containsExactly("a1");
    assertThat(t.effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, RUN);
    assertThat(t.state().accept("a2").effects())
        .as("already busy")
        .containsExactly(DISARM_KEEP_ALIVE, RUN);
  }

  @Test
  void onlyTheFirstActivationOfAContainerReportsTheInitTime() {
    ProxyState s = ready().accept("a1").state().accept("a2").state();
    assertThat(s.initTimeFor("a1")).hasValue(120);
    assertThat(s.initTimeFor("a2")).isEmpty();
  }

  @Test
  void theContainerIsReadyAgainAndArmsTheKeepAliveWhenItsLastActivationIsPublished() {
    ProxyState s = ready().accept("a1").state().accept("a2").state();
    Transition first = s.finished("a1");
    assertThat(first.state().phase()).isEqualTo(ProxyPhase.RUNNING);
    assertThat(first.effects()).isEmpty();
    Transition last = first.state().finished("a2");
    assertThat(last.state().phase()).isEqualTo(ProxyPhase.READY);
    assertThat(last.effects()).containsExactly(ARM_KEEP_ALIVE, REPORT_IDLE);
  }

  @Test
  void anIdleContainerLeavesTheGroupAndIsRemovedWhenTheKeepAliveExpires() {
    Transition t = ready().keepAliveExpired();
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(t.effects()).containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aKeepAliveThatFiresWhileRunningIsIgnored() {
    ProxyState running = ready().accept("a1").state();
    Transition t = running.keepAliveExpired();
    assertThat(t.state()).isEqualTo(running);
    assertThat(t.effects()).isEmpty();
  }

  @Test
  void aRetiredContainerFinishesItsActivationThenIsRemoved() {
    Transition retired = ready().accept("a1").state().retire();
    assertThat(retired.state().phase()).isEqualTo(ProxyPhase.RUNNING);
    assertThat(retired.state().retiring()).isTrue();
    assertThat(retired.effects())
        .as("what waits for a slot goes back (nothing here), and nothing more is pulled")
        .containsExactly(RELEASE_QUEUED, STOP_PULLING);

    assertThat(retired.state().accept("a2").effects()).containsExactly(RELEASE);

    Transition done = retired.state().finished("a1");
    assertThat(done.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(done.effects()).containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aFailedInitThatHeldNothingReportsTheFailureOnTheNextActivationThenIsRemoved() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    Transition failed = ProxyState.starting().containerStarted().state().initFailed(failure);
    assertThat(failed.state().phase()).isEqualTo(ProxyPhase.INIT_FAILED);
    assertThat(failed.effects()).containsExactly(REPORT_READY, ARM_KEEP_ALIVE);

    Transition accepted = failed.state().accept("a1");
    assertThat(accepted.effects())
        .as("completed with the failure, never run")
        .containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, FAIL);
    assertThat(accepted.state().initFailure()).isEqualTo(failure);
    assertThat(accepted.state().accept("a2").effects()).containsExactly(RELEASE);

    Transition reported = accepted.state().finished("a1");
    assertThat(reported.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(reported.effects()).contains(LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aFailedInitThatGetsNoActivationIsRemovedAfterTheKeepAlive() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "syntax"));
    ProxyState failed =
        ProxyState.starting().containerStarted().state().initFailed(failure).state();
    assertThat(failed.keepAliveExpired().state().phase()).isEqualTo(ProxyPhase.REMOVING);
  }

  @Test
  void aContainerThatCanNeverStartCompletesEveryActivationItPullsUntilIdleThenIsRemoved() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "no such image"));
    Transition unavailable = ProxyState.starting().startFailed(failure);
    assertThat(unavailable.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(unavailable.effects())
        .as("in the group since begin()")
        .containsExactly(REPORT_READY, ARM_KEEP_ALIVE);

    Transition first = unavailable.state().accept("a1");
    assertThat(first.effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, FAIL);
    ProxyState two = first.state().accept("a2").state();
    assertThat(two.inFlight()).containsExactlyInAnyOrder("a1", "a2");
    assertThat(two.initFailure()).isEqualTo(failure);
    Transition oneLeft = two.finished("a1");
    assertThat(oneLeft.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    Transition idle = oneLeft.state().finished("a2");
    assertThat(idle.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(idle.effects()).containsExactly(ARM_KEEP_ALIVE);
    assertThat(idle.state().accept("a3").effects()).contains(FAIL).doesNotContain(RUN);
    assertThat(idle.state().keepAliveExpired().state().phase()).isEqualTo(ProxyPhase.REMOVING);
  }

  @Test
  void aContainerThatCanNeverStartCompletesWhatItHeldWhileBeingAskedFor() {
    ActivationResponse failure =
        ActivationResponse.developerError(Json.object().put("error", "no such image"));
    ProxyState holding = ProxyState.starting().accept("a1").state().accept("a2").state();
    assertThat(holding.inFlight()).containsExactlyInAnyOrder("a1", "a2");
    Transition unavailable = holding.startFailed(failure);
    assertThat(unavailable.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(unavailable.effects())
        .as("the held ones end with the failure, not back in the queue")
        .containsExactly(REPORT_READY, REPORT_BUSY, FAIL_HELD);
    Transition idle = unavailable.state().finished("a1").state().finished("a2");
    assertThat(idle.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(idle.effects()).contains(ARM_KEEP_ALIVE);
  }

  @Test
  void
      aProxyWithoutAnImageForItsKindJoinsTheGroupUnavailableAndFailsEveryActivationWithoutRunningIt() {
    ActivationResponse failure = StartFailures.noImage("cobol:1");
    Transition begun = ProxyState.starting().beginUnavailable(failure);
    assertThat(begun.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(begun.state().initFailure()).isEqualTo(failure);
    assertThat(begun.effects())
        .as("no container is asked for, the group is joined all the same")
        .containsExactly(JOIN_GROUP, REPORT_READY, ARM_KEEP_ALIVE);
    assertThat(failure.statusCode()).isEqualTo(ActivationResponse.WHISK_ERROR);
    assertThat(failure.result().get("error").asText()).contains("cobol:1");

    Transition accepted = begun.state().accept("a1");
    assertThat(accepted.effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, FAIL);
    Transition idle = accepted.state().finished("a1");
    assertThat(idle.state().phase()).isEqualTo(ProxyPhase.UNAVAILABLE);
    assertThat(idle.effects()).containsExactly(ARM_KEEP_ALIVE);
    assertThat(idle.state().keepAliveExpired().effects()).contains(LEAVE_GROUP, REMOVE_CONTAINER);
    assertThatThrownBy(() -> ready().beginUnavailable(failure))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRedeliveredActivationAlreadyInFlightIsReleased() {
    ProxyState running = ready().accept("a1").state();
    assertThat(running.accept("a1").effects()).containsExactly(RELEASE);
  }

  @Test
  void aRemovingContainerAcceptsNothingAndIgnoresLateEvents() {
    ProxyState removing = ready().keepAliveExpired().state();
    assertThat(removing.accept("a1").effects()).containsExactly(RELEASE);
    assertThat(removing.retire().effects()).isEmpty();
    assertThat(removing.feedFailed().effects()).isEmpty();
    assertThat(removing.keepAliveExpired().effects()).isEmpty();
  }

  @Test
  void aFailedFeedRemovesTheContainerAtOnce() {
    Transition t = ready().accept("a1").state().feedFailed();
    assertThat(t.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(t.effects()).contains(LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void transitionsOutOfOrderAreRefused() {
    assertThatThrownBy(() -> ProxyState.starting().initialized(1))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ready().containerStarted()).isInstanceOf(IllegalStateException.class);
  }

  private static ProxyState usedThenIdle() {
    return ready().accept("a1").state().finished("a1").state();
  }

  @Test
  void anIdleContainerThatRanAnActivationIsPausedAfterTheGrace() {
    assertThat(ready().pauseGraceExpired().effects())
        .as("never ran: may still be joining")
        .isEmpty();
    Transition pausing = usedThenIdle().pauseGraceExpired();
    assertThat(pausing.state().phase()).isEqualTo(ProxyPhase.PAUSING);
    assertThat(pausing.effects()).containsExactly(PAUSE);
    assertThat(pausing.state().pauseDone(true).state().phase()).isEqualTo(ProxyPhase.PAUSED);
    assertThat(ready().accept("a1").state().pauseGraceExpired().effects()).as("running").isEmpty();
  }

  @Test
  void anActivationPulledWhilePausedIsHeldUntilTheContainerIsUnpaused() {
    ProxyState paused = usedThenIdle().pauseGraceExpired().state().pauseDone(true).state();
    Transition accepted = paused.accept("a2");
    assertThat(accepted.state().phase()).isEqualTo(ProxyPhase.RESUMING);
    assertThat(accepted.effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, UNPAUSE, HOLD);
    assertThat(accepted.state().accept("a3").effects()).containsExactly(DISARM_KEEP_ALIVE, HOLD);

    Transition resumed = accepted.state().resumed(true);
    assertThat(resumed.state().phase()).isEqualTo(ProxyPhase.RUNNING);
    assertThat(resumed.effects()).containsExactly(RUN_HELD);
  }

  @Test
  void anActivationPulledWhilePausingUnpausesAsSoonAsThePauseIsDone() {
    ProxyState pausing = usedThenIdle().pauseGraceExpired().state();
    Transition accepted = pausing.accept("a2");
    assertThat(accepted.state().phase()).isEqualTo(ProxyPhase.PAUSING);
    assertThat(accepted.effects()).containsExactly(DISARM_KEEP_ALIVE, REPORT_BUSY, HOLD);
    Transition paused = accepted.state().pauseDone(true);
    assertThat(paused.state().phase()).isEqualTo(ProxyPhase.RESUMING);
    assertThat(paused.effects()).containsExactly(UNPAUSE);
    assertThat(accepted.state().pauseDone(false).effects())
        .as("never paused: run at once")
        .containsExactly(RUN_HELD);
  }

  @Test
  void aPausedContainerExpiresWithItsKeepAliveOrWhenRetired() {
    ProxyState paused = usedThenIdle().pauseGraceExpired().state().pauseDone(true).state();
    assertThat(paused.keepAliveExpired().effects())
        .containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
    assertThat(paused.retire().state().phase()).isEqualTo(ProxyPhase.REMOVING);
    ProxyState pausing = usedThenIdle().pauseGraceExpired().state();
    Transition expiredWhilePausing = pausing.keepAliveExpired();
    assertThat(expiredWhilePausing.effects()).containsExactly(STOP_PULLING);
    assertThat(expiredWhilePausing.state().pauseDone(true).effects()).contains(REMOVE_CONTAINER);
  }

  @Test
  void aContainerThatCannotBeUnpausedIsRemovedAndItsHeldActivationsGoBackToTheGroup() {
    ProxyState resuming =
        usedThenIdle().pauseGraceExpired().state().pauseDone(true).state().accept("a2").state();
    Transition failed = resuming.resumed(false);
    assertThat(failed.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(failed.effects()).containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aSuccessOrAnApplicationErrorKeepsTheContainerInUse() {
    ProxyState running = ready().accept("a1").state();
    assertThat(running.runEnded(ActivationResponse.success(Json.object())))
        .isEqualTo(Transition.of(running));
    assertThat(
            running.runEnded(ActivationResponse.applicationError(Json.object().put("error", "no"))))
        .isEqualTo(Transition.of(running));
  }

  @Test
  void
      aRunThatEndsInADeveloperErrorRetiresTheContainerWhichIsRemovedOnceItsActivationIsPublished() {
    ProxyState running = ready().accept("a1").state().accept("a2").state();
    Transition failed =
        running.runEnded(ActivationResponse.developerError(Json.object().put("error", "403")));
    assertThat(failed.state().retiring()).isTrue();
    assertThat(failed.effects())
        .as("what waits for a slot goes back to the group, and nothing more is pulled")
        .containsExactly(RELEASE_QUEUED, STOP_PULLING);
    assertThat(failed.state().accept("a3").effects()).containsExactly(RELEASE);

    ProxyState oneLeft = failed.state().finished("a2").state();
    assertThat(oneLeft.phase()).isEqualTo(ProxyPhase.RUNNING);
    Transition last = oneLeft.finished("a1");
    assertThat(last.state().phase()).isEqualTo(ProxyPhase.REMOVING);
    assertThat(last.effects()).containsExactly(DISARM_KEEP_ALIVE, LEAVE_GROUP, REMOVE_CONTAINER);
  }

  @Test
  void aWhiskErrorRetiresTheContainerToo() {
    ProxyState running = ready().accept("a1").state();
    assertThat(running.runEnded(ActivationResponse.whiskError(Json.object())).state().retiring())
        .isTrue();
  }
}
