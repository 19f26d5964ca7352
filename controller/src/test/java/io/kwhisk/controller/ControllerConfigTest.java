package io.kwhisk.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.controller.throttle.AdmissionSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ControllerConfigTest {
  static final String BOOTSTRAP = "kwhisk.kafka.bootstrap-servers";

  @Test
  void defaultsFollowTheDocumentedValues() {
    ControllerConfig c =
        ControllerConfig.from(ConfigSource.of(Map.of(BOOTSTRAP, "localhost:9092")));
    assertThat(c.id()).isZero();
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(3233);
    assertThat(c.replicationFactor()).isEqualTo((short) 0); // as many as brokers, at most 3
    assertThat(c.blockingWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.maxPayloadBytes()).isEqualTo(1024 * 1024);
    assertThat(c.schedulerTick()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.kinds())
        .contains("nodejs:20", "java:17", "python:3", "python:default", "blackbox");
  }

  @Test
  void theKeepAlivePolicyIsLeftToTheInvokersUnlessConfigured() {
    ControllerConfig byDefault = ControllerConfig.from(ConfigSource.of(Map.of(BOOTSTRAP, "k:1")));
    assertThat(byDefault.keepAlivePolicy()).isNull();
    ControllerConfig hybrid =
        ControllerConfig.from(
            ConfigSource.of(
                Map.of(BOOTSTRAP, "k:1", ControllerConfig.KEEP_ALIVE_POLICY, "hybrid:4h:7m")));
    assertThat(hybrid.keepAlivePolicy())
        .isEqualTo(KeepAlivePolicy.Hybrid.bounded(Duration.ofHours(4), Duration.ofMinutes(7)));
    ControllerConfig fixed =
        ControllerConfig.from(
            ConfigSource.of(
                Map.of(BOOTSTRAP, "k:1", ControllerConfig.KEEP_ALIVE_POLICY, "fixed:10m")));
    assertThat(fixed.keepAlivePolicy())
        .isEqualTo(new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));
  }

  @Test
  void aStartupTimeoutOfZeroNamesItsKey() {
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(
                        Map.of(BOOTSTRAP, "k:1", ControllerConfig.STARTUP_TIMEOUT, "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.STARTUP_TIMEOUT);
  }

  @Test
  void anUnknownKeepAlivePolicyNamesItsKey() {
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(
                        Map.of(BOOTSTRAP, "k:1", ControllerConfig.KEEP_ALIVE_POLICY, "lru:10m"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.KEEP_ALIVE_POLICY)
        .hasMessageContaining("lru:10m");
  }

  @Test
  void admissionDefaultsFollowTheDocumentedValues() {
    AdmissionSettings a =
        ControllerConfig.from(ConfigSource.of(Map.of(BOOTSTRAP, "k:1"))).admission();
    assertThat(a).isEqualTo(AdmissionSettings.DEFAULT);
    assertThat(a.namespaceConcurrency()).isEqualTo(100);
    assertThat(a.namespacePerMinute()).as("OpenWhisk's invocationsPerMinute").isEqualTo(120);
    assertThat(a.backlogPerSlot()).isEqualTo(4);
    assertThat(a.minBacklog()).isEqualTo(16);
    assertThat(a.maxQueueDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(a.lagRefresh()).isEqualTo(Duration.ofSeconds(1));
    assertThat(a.maxRetryAfter()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void anInvalidAdmissionValueNamesItsKey() {
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(
                        Map.of(BOOTSTRAP, "k:1", AdmissionSettings.NAMESPACE_CONCURRENCY, "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AdmissionSettings.NAMESPACE_CONCURRENCY);
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(
                        Map.of(BOOTSTRAP, "k:1", AdmissionSettings.MAX_RETRY_AFTER, "500ms"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AdmissionSettings.MAX_RETRY_AFTER);
  }

  @Test
  void kafkaClientPropertiesArePassedThroughToEveryClient() {
    ControllerConfig c =
        ControllerConfig.from(
            ConfigSource.of(
                Map.of(
                    BOOTSTRAP,
                    "k:1",
                    "kwhisk.kafka.client.security.protocol",
                    "SSL",
                    "kwhisk.kafka.client.ssl.truststore.location",
                    "/t.jks")));
    assertThat(c.kafka().clientProperties())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.location", "/t.jks")
        .hasSize(2);
    assertThat(c.kafka().clientConfig("x")).containsEntry("security.protocol", "SSL");
  }

  @Test
  void kindsAreReadAsACommaSeparatedList() {
    ControllerConfig c =
        ControllerConfig.from(
            ConfigSource.of(
                Map.of(BOOTSTRAP, "k:1", ControllerConfig.KINDS, "nodejs:20, python:3")));
    assertThat(c.kinds()).containsExactlyInAnyOrder("nodejs:20", "python:3");
  }

  @Test
  void anInvalidValueNamesItsKey() {
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(Map.of(BOOTSTRAP, "k:1", ControllerConfig.PORT, "70000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.PORT);
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(Map.of(BOOTSTRAP, "k:1", ControllerConfig.TICK, "0ms"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.TICK);
    assertThatThrownBy(() -> ControllerConfig.from(ConfigSource.of(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(BOOTSTRAP);
  }

  @Test
  void sixteenSchedulingPartitionsByDefaultAndFewerThanTheControllersFailNamingTheKey() {
    assertThat(
            ControllerConfig.from(ConfigSource.of(Map.of(BOOTSTRAP, "k:1"))).schedulingPartitions())
        .isEqualTo(16);
    assertThatThrownBy(
            () ->
                ControllerConfig.from(
                    ConfigSource.of(
                        Map.of(
                            BOOTSTRAP,
                            "k:1",
                            AdmissionSettings.CONTROLLERS,
                            "3",
                            ControllerConfig.ID,
                            "0",
                            ControllerConfig.SCHEDULING_PARTITIONS,
                            "2"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ControllerConfig.SCHEDULING_PARTITIONS);
  }
}
