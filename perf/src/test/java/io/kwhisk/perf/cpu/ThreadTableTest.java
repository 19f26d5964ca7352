package io.kwhisk.perf.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ThreadTableTest {
  private static final ThreadTable STANDALONE = ThreadTable.standalone();

  /**
   * Names as /proc/<pid>/task/<tid>/comm showed them on the standalone under load (2026-12-02,
   * 6a84689).
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "data-plane-kafk|broker",
        "kafka-scheduler|broker",
        "ExpirationReape|broker",
        "group-coordinat|broker",
        "share-coordinat|broker",
        "controller-1-Th|broker",
        "controller-1-re|broker",
        "controller-1-to|broker",
        "broker-1-to-con|broker",
        "broker-1-Thrott|broker",
        "kafka-1-raft-io|broker",
        "kafka-1-metadat|broker",
        "quorum-controll|broker",
        "raft-expiration|broker",
        "transaction-log|broker",
        "TxnMarkerSender|broker",
        "AddPartitionsTo|broker",
        "PersisterStateM|broker",
        "ShareGroupDLQSe|broker",
        "NetworkPartitio|broker",
        "SensorExpiryThr|broker",
        "LogDirFailureHa|broker",
        "client-metrics-|broker",
        "share-group-loc|broker",
        "executor-ShareF|broker",
        "metrics-meter-t|broker",
        "kafka-log-clean|broker",
        "controller0-pek|controller",
        "controller0-act|controller",
        "controller0-com|controller",
        "controller0-sch|controller",
        "controller0-lag|controller",
        "controller0-pro|controller",
        "kwhisk-invoker0|invoker",
        "kwhisk-feed-kwh|invoker",
        "kwhisk-http-0-1|invoker",
        "kwhisk-docker-8|invoker",
        "kwhisk-commands|invoker",
        "kwhisk-publishe|invoker",
        "docker-java-str|invoker",
        "HttpClient-1-Se|invoker",
        "consumer_backgr|invoker",
        "CompletableFutu|jvm",
        "C2 CompilerThre|jvm",
        "C1 CompilerThre|jvm",
        "GC Thread#0|jvm",
        "G1 Refine#1|jvm",
        "G1 Conc#0|jvm",
        "VM Thread|jvm",
        "VM Periodic Tas|jvm",
        "Sweeper thread|jvm",
        "java|jvm"
      })
  void everyThreadSeenOnTheStandaloneHasItsComponent(String comm, String component) {
    assertThat(STANDALONE.classify(comm)).contains(Component.ofLabel(component));
  }

  @Test
  void theKafkaClientsCutNamesAreUnknownButTheirFullNamesTellControllerFromInvoker() {
    assertThat(STANDALONE.classify("kafka-producer-")).isEmpty();
    assertThat(STANDALONE.classify("kafka-producer-network-thread | controller0-producer"))
        .contains(Component.CONTROLLER);
    assertThat(STANDALONE.classify("kafka-producer-network-thread | invoker0-producer"))
        .contains(Component.INVOKER);
    assertThat(STANDALONE.classify("kafka-admin-client-thread | controller0-lag"))
        .contains(Component.CONTROLLER);
  }

  @Test
  void theBrokersKraftControllerIsNotKwhisksController() {
    assertThat(STANDALONE.classify("controller-1-registration-manager-event-handler"))
        .contains(Component.BROKER);
    assertThat(STANDALONE.classify("controller12-pekko.actor.default-dispatcher-5"))
        .contains(Component.CONTROLLER);
  }

  @Test
  void theLongestMatchingPatternWinsWhateverTheOrderOfTheLines() {
    ThreadTable t = ThreadTable.parse("ab broker\nabc controller\n");
    ThreadTable reversed = ThreadTable.parse("abc controller\nab broker\n");

    assertThat(t.classify("abcd")).contains(Component.CONTROLLER);
    assertThat(reversed.classify("abcd")).contains(Component.CONTROLLER);
    assertThat(t.classify("abx")).contains(Component.BROKER);
    assertThat(t.classify("a")).isEqualTo(Optional.empty());
  }

  @Test
  void aHashInAPatternStandsForOneDigitOnly() {
    ThreadTable t = ThreadTable.parse("worker#- invoker\n");

    assertThat(t.classify("worker7-x")).contains(Component.INVOKER);
    assertThat(t.classify("workerX-x")).isEmpty();
  }

  @Test
  void aLineWithoutAKnownComponentIsRejectedNamingIt() {
    assertThatThrownBy(() -> ThreadTable.parse("# comment\n\nfoo bar\n"))
        .hasMessageContaining("bar");
  }

  @Test
  void aDedicatedProcessChargesItsJvmThreadsToTheJvmAndEverythingElseToItsComponent() {
    Target controller = Target.dedicated(10, Component.CONTROLLER);

    assertThat(controller.classify(STANDALONE, "C2 CompilerThre")).isEqualTo(Component.JVM);
    assertThat(controller.classify(STANDALONE, "kwhisk-feed-kwh")).isEqualTo(Component.CONTROLLER);
    assertThat(Target.shared(10).classify(STANDALONE, "Thread-42")).isEqualTo(Component.JVM_OTHER);
  }

  @Test
  void theContainersOfAScenarioAreThoseWhoseActionNameCarriesItsPrefixInAnyNamespace() {
    assertThat(ContainerLister.actionsNamed("perf-noop"))
        .accepts("guest/perf-noop-0", "ns/perf-noop-12")
        .rejects("guest/perf-noopx-1", "guest/logone", "", "perf-noop/other");
  }
}
