package io.kwhisk.controller.scheduler;

import static io.kwhisk.controller.scheduler.SchedulingPolicyTest.action;
import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SharedDemandTest {
  static final int P = 16;
  static final Action A = action("a", 256, 1, 10);
  static final Action B = action("b", 256, 1, 10);

  static Ownership owning(Action... actions) {
    Set<Integer> owned = new HashSet<>();
    for (Action a : actions) owned.add(Ownership.partitionOf(a.fqn().path(), P));
    return new Ownership(P, owned);
  }

  /** An ownership that owns A and not B (their partitions differ for these names). */
  static Ownership ownsAOnly() {
    assertThat(Ownership.partitionOf(A.fqn().path(), P))
        .isNotEqualTo(Ownership.partitionOf(B.fqn().path(), P));
    return owning(A);
  }

  @Test
  void anActionsPartitionIsTheOneKafkasDefaultPartitionerGivesItsPath() {
    byte[] key = "guest/a".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int kafka =
        org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(key, P);
    assertThat(Ownership.partitionOf("guest/a", P)).isEqualTo(kafka);
  }

  @Test
  void aLoneControllerOwnsEveryActionAndReportsNothing() {
    List<Demand> local = List.of(new Demand(A, 2, 0), new Demand(B, 1, 0));
    assertThat(Ownership.ALL.owns("guest/anything")).isTrue();
    assertThat(SharedDemand.owned(local, List.of(), Ownership.ALL, 0)).isEqualTo(local);
    assertThat(SharedDemand.due(0, local, Map.of(), Ownership.ALL, 0)).isEmpty();
  }

  @Test
  void beforeTheGroupAssignsPartitionsAControllerSchedulesNothingAndReportsEverything() {
    List<Demand> local = List.of(new Demand(A, 2, 5));
    assertThat(SharedDemand.owned(local, List.of(), Ownership.none(P), 0)).isEmpty();
    assertThat(SharedDemand.due(3, local, Map.of(), Ownership.none(P), 0))
        .containsExactly(new DemandReport(3, A, 2, 5));
  }

  @Test
  void theOwnerSchedulesFromItsOwnCountPlusTheLiveReportsOfTheOthers() {
    List<Demand> local = List.of(new Demand(A, 2, 500), new Demand(B, 7, 100));
    List<SharedDemand.Received> remote =
        List.of(
            new SharedDemand.Received(new DemandReport(1, A, 3, 200), 1_000),
            new SharedDemand.Received(
                new DemandReport(2, A, 4, 100), 1_000 - SharedDemand.TTL_MS - 1));
    assertThat(SharedDemand.owned(local, remote, ownsAOnly(), 1_000))
        .as("B is not owned; the report of controller 2 expired")
        .containsExactly(new Demand(A, 5, 200));
  }

  @Test
  void anOwnerWithoutActivationsOfItsOwnSchedulesTheReportedOnes() {
    List<SharedDemand.Received> remote =
        List.of(new SharedDemand.Received(new DemandReport(1, A, 3, 200), 1_000));
    assertThat(SharedDemand.owned(List.of(), remote, ownsAOnly(), 1_000))
        .containsExactly(new Demand(A, 3, 200));
  }

  @Test
  void aNonOwnerReportsANewCountAtMostEveryGapAndAnUnchangedOneEverySecond() {
    Ownership own = ownsAOnly();
    Map<String, SharedDemand.Sent> sent = Map.of("guest/b", new SharedDemand.Sent(B, 2, 1_000));
    List<Demand> changed = List.of(new Demand(A, 9, 0), new Demand(B, 3, 0));
    assertThat(SharedDemand.due(0, changed, sent, own, 1_000 + SharedDemand.REPORT_GAP_MS - 1))
        .isEmpty();
    assertThat(SharedDemand.due(0, changed, sent, own, 1_000 + SharedDemand.REPORT_GAP_MS))
        .containsExactly(new DemandReport(0, B, 3, 0));
    List<Demand> same = List.of(new Demand(B, 2, 0));
    assertThat(SharedDemand.due(0, same, sent, own, 1_000 + SharedDemand.REFRESH_MS - 1)).isEmpty();
    assertThat(SharedDemand.due(0, same, sent, own, 1_000 + SharedDemand.REFRESH_MS)).hasSize(1);
  }

  @Test
  void aNonOwnerWhoseActivationsAllCompletedReportsZeroOnceAndForgetsTheAction() {
    Ownership own = ownsAOnly();
    Map<String, SharedDemand.Sent> sent = Map.of("guest/b", new SharedDemand.Sent(B, 2, 1_000));
    List<DemandReport> due = SharedDemand.due(0, List.of(), sent, own, 2_000);
    assertThat(due).containsExactly(new DemandReport(0, B, 0, 2_000));
    Map<String, SharedDemand.Sent> after = SharedDemand.afterSending(sent, due, own, 2_000);
    assertThat(after).isEmpty();
    assertThat(SharedDemand.due(0, List.of(), after, own, 5_000)).isEmpty();
  }

  @Test
  void anActionThisControllerComesToOwnIsNoLongerReported() {
    Map<String, SharedDemand.Sent> sent = Map.of("guest/b", new SharedDemand.Sent(B, 2, 1_000));
    Ownership nowOwnsB = owning(A, B);
    assertThat(SharedDemand.afterSending(sent, List.of(), nowOwnsB, 1_500)).isEmpty();
    assertThat(SharedDemand.due(0, List.of(new Demand(B, 5, 0)), Map.of(), nowOwnsB, 9_000))
        .isEmpty();
  }

  @Test
  void reportsFromAStoppedControllerStopCountingAfterTheirTtl() {
    Map<String, SharedDemand.Received> remote =
        Map.of(
            "1|guest/a", new SharedDemand.Received(new DemandReport(1, A, 3, 0), 1_000),
            "2|guest/a", new SharedDemand.Received(new DemandReport(2, A, 3, 0), 4_000));
    assertThat(SharedDemand.live(remote, 1_000 + SharedDemand.TTL_MS + 1))
        .containsOnlyKeys("2|guest/a");
  }
}
