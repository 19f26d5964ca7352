package io.kwhisk.controller.scheduler;

import static io.kwhisk.controller.scheduler.SharedDemandTest.A;
import static io.kwhisk.controller.scheduler.SharedDemandTest.B;
import static io.kwhisk.controller.scheduler.SharedDemandTest.P;
import static io.kwhisk.controller.scheduler.SharedDemandTest.ownsAOnly;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DemandSharingTest {
  static final int ME = 7;

  final List<DemandReport> sent = new ArrayList<>();
  final DemandReports reports = sent::add;

  @Test
  void theFirstArrivalOfAnActionOwnedElsewhereIsReportedAtOnceAndOnlyOnce() {
    DemandSharing sharing = new DemandSharing(ME, ownsAOnly(), reports);
    sharing.arrivedWithoutContainer(B, 1, 100);
    sharing.arrivedWithoutContainer(B, 2, 150);
    sharing.arrivedWithoutContainer(A, 1, 150);
    assertThat(sent).as("A is owned here").containsExactly(new DemandReport(ME, B, 1, 100));
  }

  @Test
  void anOwnerSchedulesTheLiveReportsOfOthersUntilAZeroOrTheTtlEndsThem() {
    DemandSharing sharing = new DemandSharing(ME, ownsAOnly(), reports);
    assertThat(sharing.received(new DemandReport(1, A, 3, 50), 100)).isTrue();
    assertThat(sharing.received(new DemandReport(2, A, 2, 60), 100)).isTrue();
    assertThat(sharing.received(new DemandReport(1, B, 4, 50), 100)).as("B is not owned").isFalse();
    assertThat(sharing.toSchedule(List.of(), 200)).containsExactly(new Demand(A, 5, 50));
    assertThat(sharing.received(new DemandReport(1, A, 0, 300), 300)).isFalse();
    assertThat(sharing.toSchedule(List.of(), 300)).containsExactly(new Demand(A, 2, 60));
    sharing.expire(100 + SharedDemand.TTL_MS + 1);
    assertThat(sharing.toSchedule(List.of(), 100 + SharedDemand.TTL_MS + 1)).isEmpty();
  }

  @Test
  void aControllersOwnReportsAreIgnored() {
    DemandSharing sharing = new DemandSharing(ME, ownsAOnly(), reports);
    assertThat(sharing.received(new DemandReport(ME, A, 3, 50), 100)).isFalse();
    assertThat(sharing.toSchedule(List.of(), 200)).isEmpty();
  }

  @Test
  void aNonOwnerSendsTheReportsDueAndSchedulesOnlyWhatItOwns() {
    DemandSharing sharing = new DemandSharing(ME, ownsAOnly(), reports);
    List<Demand> local = List.of(new Demand(A, 1, 10), new Demand(B, 2, 20));
    assertThat(sharing.toSchedule(local, 100)).containsExactly(new Demand(A, 1, 10));
    assertThat(sent).containsExactly(new DemandReport(ME, B, 2, 20));
    sharing.toSchedule(local, 150);
    assertThat(sent).as("unchanged, within the refresh").hasSize(1);
  }

  @Test
  void aDeletedActionsReportsStopCountingAndItsNextArrivalIsReportedAgain() {
    DemandSharing sharing = new DemandSharing(ME, ownsAOnly(), reports);
    sharing.received(new DemandReport(1, A, 3, 50), 100);
    sharing.arrivedWithoutContainer(B, 1, 100);
    sharing.forget(A.fqn().path());
    sharing.forget(B.fqn().path());
    assertThat(sharing.toSchedule(List.of(), 200)).isEmpty();
    sharing.arrivedWithoutContainer(B, 1, 300);
    assertThat(sent).hasSize(2);
  }

  @Test
  void aLoneControllerOwnsEverythingAndNeverReports() {
    DemandSharing sharing = new DemandSharing(ME, Ownership.ALL, reports);
    List<Demand> local = List.of(new Demand(B, 2, 20));
    sharing.arrivedWithoutContainer(B, 1, 100);
    assertThat(sharing.toSchedule(local, 100)).isEqualTo(local);
    assertThat(sent).isEmpty();
  }

  @Test
  void aNewOwnershipDecidesWhatIsScheduledFromThenOn() {
    DemandSharing sharing = new DemandSharing(ME, Ownership.none(P), reports);
    List<Demand> local = List.of(new Demand(A, 1, 10));
    assertThat(sharing.toSchedule(local, 100)).isEmpty();
    sharing.ownershipChanged(ownsAOnly(), 200);
    assertThat(sharing.owns(A.fqn().path())).isTrue();
    assertThat(sharing.toSchedule(local, 300)).containsExactly(new Demand(A, 1, 10));
  }
}
