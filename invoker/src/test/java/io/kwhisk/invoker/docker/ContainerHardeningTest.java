package io.kwhisk.invoker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ContainerHardeningTest {
  @Test
  void cpuSharesFollowMemoryAsInOpenWhiskWithDockersMinimum() {
    ContainerHardening h = ContainerHardening.defaults(2048);
    assertThat(h.cpuSharesFor(256)).isEqualTo(128);
    assertThat(h.cpuSharesFor(2048)).isEqualTo(1024);
    assertThat(ContainerHardening.defaults(1_000_000).cpuSharesFor(128)).isEqualTo(2);
    assertThat(
            ContainerHardening.from(
                    ConfigSource.of(Map.of(ContainerHardening.CPU_SHARES, "0")), 2048)
                .cpuSharesFor(256))
        .as("left to Docker")
        .isZero();
  }

  @Test
  void capabilitiesAreParsedWithOrWithoutTheirPrefixAndAnUnknownOneNamesTheKey() {
    assertThat(
            ContainerHardening.from(
                    ConfigSource.of(
                        Map.of(ContainerHardening.CAP_ADD, "cap_net_bind_service, CHOWN")),
                    2048)
                .capAdd())
        .containsExactly("NET_BIND_SERVICE", "CHOWN");
    assertThatThrownBy(
            () ->
                ContainerHardening.from(
                    ConfigSource.of(Map.of(ContainerHardening.CAP_ADD, "ROOTKIT")), 2048))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ContainerHardening.CAP_ADD);
  }

  @Test
  void aRotationSizeBelowTheLargestLogLimitIsRefused() {
    assertThatThrownBy(
            () ->
                ContainerHardening.from(
                    ConfigSource.of(Map.of(ContainerHardening.LOG_MAX_SIZE, "8")), 2048))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ContainerHardening.LOG_MAX_SIZE);
    assertThatThrownBy(
            () ->
                ContainerHardening.from(
                    ConfigSource.of(Map.of(ContainerHardening.LOG_MAX_FILES, "1")), 2048))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ContainerHardening.LOG_MAX_FILES);
  }
}
