package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ReachabilityTest {
  private static final Duration PATIENCE = Duration.ofSeconds(3);
  private static final long S = 1_000_000_000L;

  @Test
  void aWriteUnacknowledgedForThePatienceStopsAdmissionAndAnyAcknowledgementResumesIt() {
    Reachability waiting = Reachability.REACHABLE.sending(10 * S);

    assertThat(waiting.admits(12 * S, PATIENCE)).isTrue();
    assertThat(waiting.sending(12 * S)).as("the oldest write counts").isSameAs(waiting);
    assertThat(waiting.admits(13 * S, PATIENCE)).isFalse();
    assertThat(waiting.acknowledged().admits(13 * S, PATIENCE)).isTrue();
  }

  @Test
  void underSteadyAcknowledgementsTheWaitStartsAgainWithEachWrite() {
    Reachability s = Reachability.REACHABLE;
    for (long t = 0; t < 20; t++) s = s.sending(t * S).acknowledged();
    s = s.sending(20 * S);

    assertThat(s.admits(22 * S, PATIENCE)).isTrue();
  }

  @Test
  void aFailedWriteStopsAdmissionUntilAProbeFindsBrokersOrALateWriteIsAcknowledged() {
    Reachability away = Reachability.REACHABLE.sending(0).failed();

    assertThat(away.admits(0, PATIENCE)).isFalse();
    assertThat(away.sending(S)).as("nothing new is written").isSameAs(away);
    assertThat(away.probed(false).admits(S, PATIENCE)).isFalse();
    assertThat(away.probed(true).admits(S, PATIENCE)).isTrue();
    assertThat(away.acknowledged().admits(S, PATIENCE)).isTrue();
  }
}
