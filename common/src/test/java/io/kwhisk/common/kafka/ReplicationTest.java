package io.kwhisk.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicationTest {
  @Test
  void autoReplicatesThreeTimesWithTwoInSyncOnThreeBrokersOrMore() {
    assertThat(Replication.forCluster(3, Replication.AUTO))
        .isEqualTo(new Replication((short) 3, 2));
    assertThat(Replication.forCluster(7, Replication.AUTO))
        .isEqualTo(new Replication((short) 3, 2));
  }

  @Test
  void autoOnFewerBrokersUsesThemAllAndNeedsOneInSyncSoThatOneStoppedBrokerRefusesNoWrite() {
    assertThat(Replication.forCluster(1, Replication.AUTO))
        .isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.forCluster(2, Replication.AUTO))
        .isEqualTo(new Replication((short) 2, 1));
  }

  @Test
  void aConfiguredFactorWinsAndNeedsAMajorityInSync() {
    assertThat(Replication.forCluster(3, 1)).isEqualTo(new Replication((short) 1, 1));
    assertThat(Replication.forCluster(5, 5)).isEqualTo(new Replication((short) 5, 3));
  }

  @Test
  void everyTopicCarriesItsMinimumInSyncBesideItsOwnConfigs() {
    NewTopic topic =
        new Replication((short) 3, 2).newTopic("t", 1, Map.of("cleanup.policy", "compact"));
    assertThat(topic.replicationFactor()).isEqualTo((short) 3);
    assertThat(topic.configs())
        .containsEntry("min.insync.replicas", "2")
        .containsEntry("cleanup.policy", "compact");
  }

  @Test
  void aMinimumAboveTheFactorIsRefused() {
    assertThatThrownBy(() -> new Replication((short) 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
