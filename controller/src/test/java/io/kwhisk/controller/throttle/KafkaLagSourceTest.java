package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

class KafkaLagSourceTest {
  @Test
  void theGroupsOwnLagWinsWhenTheBrokerReportsIt() {
    SharePartitionOffsetInfo group =
        new SharePartitionOffsetInfo(900, Optional.empty(), Optional.of(7L));

    assertThat(KafkaLagSource.lag(1000, group, 0)).isEqualTo(OptionalLong.of(7));
  }

  @Test
  void withoutAReportedLagTheGroupsStartOffsetBoundsTheBacklog() {
    SharePartitionOffsetInfo group =
        new SharePartitionOffsetInfo(990, Optional.empty(), Optional.empty());

    assertThat(KafkaLagSource.lag(1000, group, 0)).isEqualTo(OptionalLong.of(10));
  }

  @Test
  void aGroupWithNoOffsetsYetIsBehindByTheWholeLog() {
    assertThat(KafkaLagSource.lag(1000, null, 400)).isEqualTo(OptionalLong.of(600));
  }

  @Test
  void withNeitherGroupOffsetsNorTheLogStartTheLagIsUnknownRatherThanTheWholeTopic() {
    assertThat(KafkaLagSource.lag(1000, null, -1)).isEmpty();
  }

  @Test
  void aGroupTheBrokerDoesNotKnowIsNewSoTheLogStartMayStandInForIt() {
    KafkaFutureImpl<Object> lookup = new KafkaFutureImpl<>();
    lookup.completeExceptionally(new GroupIdNotFoundException("no such group"));

    assertThat(KafkaLagSource.groupIsNew(lookup)).isTrue();
  }

  @Test
  void aFailedOrUnansweredGroupLookupIsNotMistakenForANewGroup() {
    KafkaFutureImpl<Object> timedOut = new KafkaFutureImpl<>();
    timedOut.completeExceptionally(new TimeoutException("no answer"));

    assertThat(KafkaLagSource.groupIsNew(timedOut)).isFalse();
    assertThat(KafkaLagSource.groupIsNew(new KafkaFutureImpl<>())).isFalse();
  }
}
