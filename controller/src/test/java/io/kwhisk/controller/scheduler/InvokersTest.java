package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class InvokersTest {
  static final long TIMEOUT = 1_000;

  static InvokerHeartbeat beat(int id, long timestamp) {
    return new InvokerHeartbeat(id, 1024, 512, 0, Map.of(), 0, timestamp, 0);
  }

  @Test
  void anInvokerIsHealthyFromItsFirstHeartbeatUntilTheTimeoutPasses() {
    Invokers invokers = new Invokers(TIMEOUT);
    assertThat(invokers.heard(beat(1, 0), false, 5_000)).isEqualTo(Invokers.Heard.NOW_HEALTHY);
    assertThat(invokers.healthy(5_000 + TIMEOUT)).extracting(InvokerState::id).containsExactly(1);
    assertThat(invokers.healthy(5_000 + TIMEOUT + 1)).isEmpty();
    assertThat(invokers.healthyById(5_500)).containsOnlyKeys(1);
  }

  @Test
  void aHeartbeatOfAHealthyInvokerIsRecordedWithoutAnnouncingItAgain() {
    Invokers invokers = new Invokers(TIMEOUT);
    invokers.heard(beat(1, 0), false, 5_000);
    assertThat(invokers.heard(beat(1, 0), false, 5_500)).isEqualTo(Invokers.Heard.RECORDED);
    assertThat(invokers.healthy(6_400)).hasSize(1);
  }

  @Test
  void aReplayedHeartbeatCountsAsSeenAtItsOwnTimestampSoAStaleOneLeavesTheInvokerOffline() {
    Invokers invokers = new Invokers(TIMEOUT);
    assertThat(invokers.heard(beat(1, 2_000), true, 5_000)).isEqualTo(Invokers.Heard.RECORDED);
    assertThat(invokers.healthy(5_000)).isEmpty();
    assertThat(invokers.heard(beat(2, 4_500), true, 5_000)).isEqualTo(Invokers.Heard.NOW_HEALTHY);
    assertThat(invokers.heard(beat(3, 9_000), true, 5_000))
        .as("a timestamp ahead of this controller's clock counts as now")
        .isEqualTo(Invokers.Heard.NOW_HEALTHY);
    assertThat(invokers.healthy(5_000 + TIMEOUT + 1)).isEmpty();
  }

  @Test
  void aHeartbeatOlderThanTheOneRecordedIsIgnored() {
    Invokers invokers = new Invokers(TIMEOUT);
    invokers.heard(beat(1, 0), false, 5_000);
    assertThat(invokers.heard(beat(1, 1_000), true, 5_100)).isEqualTo(Invokers.Heard.STALE);
    assertThat(invokers.healthy(5_900)).hasSize(1);
  }
}
