package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HeldRecordsTest {
  private static final long SECOND = 1_000_000_000L;

  private final HeldRecords<String> held = new HeldRecords<>();

  private static ConsumerRecord<String, String> record(int partition, long offset) {
    return new ConsumerRecord<>("actions", partition, offset, null, "v" + offset);
  }

  @Test
  @Timeout(5)
  void aRecordIsNewOnlyTheFirstTimeItIsHeld() {
    assertThat(held.hold(record(0, 7), 0)).isTrue();
    assertThat(held.hold(record(0, 7), SECOND)).as("brought back by a renewal").isFalse();
    assertThat(held.hold(record(1, 7), SECOND)).as("same offset, other partition").isTrue();
    assertThat(held.size()).isEqualTo(2);
  }

  @Test
  @Timeout(5)
  void anAcknowledgedRecordIsTakenOnceAndALateAcknowledgementFindsNothing() {
    ConsumerRecord<String, String> r = record(0, 3);
    held.hold(r, 0);
    assertThat(held.take(0, 3)).isSameAs(r);
    assertThat(held.take(0, 3)).isNull();
    assertThat(held.isEmpty()).isTrue();
  }

  @Test
  @Timeout(5)
  void aRenewalIsDueOnceAnyRecordIsHeldForTheGivenTimeAndARenewedOneCountsFromItsRenewal() {
    held.hold(record(0, 1), 0);
    held.hold(record(0, 2), 10 * SECOND);
    assertThat(held.renewalDue(14 * SECOND, 15 * SECOND)).isFalse();
    assertThat(held.renewalDue(15 * SECOND, 15 * SECOND)).isTrue();
    held.hold(record(0, 1), 15 * SECOND);
    assertThat(held.renewalDue(20 * SECOND, 15 * SECOND)).isFalse();
    assertThat(held.renewalDue(25 * SECOND, 15 * SECOND)).isTrue();
  }

  @Test
  @Timeout(5)
  void recordsTheBrokerDidNotRenewAreNoLongerHeld() {
    held.hold(record(0, 1), 0);
    held.hold(record(0, 2), 0);
    held.hold(record(1, 1), 0);
    assertThat(held.records()).hasSize(3);
    List<String> dropped = held.dropAllBut(List.of(record(0, 2)));
    assertThat(dropped).containsExactlyInAnyOrder("0:1", "1:1");
    assertThat(held.holds(0, 2)).isTrue();
    assertThat(held.holds(0, 1)).isFalse();
    assertThat(held.size()).isEqualTo(1);
  }
}
