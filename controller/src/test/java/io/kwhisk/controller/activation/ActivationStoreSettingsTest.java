package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivationStoreSettingsTest {
  @Test
  void byDefaultRecordsGoToRocksDbUnderTheDataDirForADay() {
    ActivationStoreSettings s = ActivationStoreSettings.from(ConfigSource.of(Map.of()), 3);
    assertThat(s.kind()).isEqualTo(ActivationStoreSettings.Kind.ROCKSDB);
    assertThat(s.path())
        .isEqualTo(
            Path.of(ActivationStoreSettings.DEFAULT_DATA_DIR, "activations-3").toAbsolutePath());
    assertThat(s.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(s.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theStoreGroupsSessionTimeoutIsSetAndAtLeastASecond() {
    assertThat(from(ActivationStoreSettings.SESSION_TIMEOUT, "6s").sessionTimeout())
        .isEqualTo(Duration.ofSeconds(6));
    assertThatThrownBy(() -> from(ActivationStoreSettings.SESSION_TIMEOUT, "500ms"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActivationStoreSettings.SESSION_TIMEOUT);
  }

  @Test
  void anExplicitPathWinsOverTheDataDir() {
    ActivationStoreSettings s =
        ActivationStoreSettings.from(
            ConfigSource.of(
                Map.of(
                    ActivationStoreSettings.DATA_DIR, "/d",
                    ActivationStoreSettings.PATH, "/elsewhere/acts")),
            0);
    assertThat(s.path()).isEqualTo(Path.of("/elsewhere/acts"));
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertThatThrownBy(() -> from(ActivationStoreSettings.KIND, "postgres"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActivationStoreSettings.KIND);
    assertThatThrownBy(() -> from(ActivationStoreSettings.RETENTION, "0s"))
        .hasMessageContaining(ActivationStoreSettings.RETENTION);
    assertThatThrownBy(() -> from(ActivationStoreSettings.CACHE_MB, "1"))
        .hasMessageContaining(ActivationStoreSettings.CACHE_MB);
    assertThatThrownBy(() -> from(ActivationStoreSettings.WRITE_BUFFER_MB, "30"))
        .hasMessageContaining(ActivationStoreSettings.WRITE_BUFFER_MB);
    assertThatThrownBy(() -> from(ActivationStoreSettings.MEMORY_SIZE, "0"))
        .hasMessageContaining(ActivationStoreSettings.MEMORY_SIZE);
  }

  @Test
  void thePartitionedKindKeepsRecordsInRocksDbAndAdvertisesTheApiUrlGiven() {
    ActivationStoreSettings s =
        ActivationStoreSettings.from(
            ConfigSource.of(
                Map.of(
                    ActivationStoreSettings.KIND, "partitioned",
                    ActivationStoreSettings.ADVERTISED_URL, "http://controller-1.kwhisk:3233/")),
            1);
    assertThat(s.partitioned()).isTrue();
    assertThat(s.path().getFileName()).hasToString("activations-1");
    assertThat(s.advertisedUrl()).contains(URI.create("http://controller-1.kwhisk:3233"));
    assertThat(from(ActivationStoreSettings.KIND, "rocksdb").partitioned()).isFalse();
    assertThat(from(ActivationStoreSettings.KIND, "rocksdb").advertisedUrl()).isEmpty();
  }

  @Test
  void anUnknownKindOrABadAdvertisedUrlIsRefusedWithWhatIsAccepted() {
    assertThatThrownBy(() -> from(ActivationStoreSettings.KIND, "sharded"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActivationStoreSettings.KIND)
        .hasMessageContaining("rocksdb, partitioned or memory")
        .hasMessageContaining("sharded");
    assertThatThrownBy(() -> from(ActivationStoreSettings.ADVERTISED_URL, "controller-1:3233"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActivationStoreSettings.ADVERTISED_URL);
    assertThatThrownBy(() -> from(ActivationStoreSettings.ADVERTISED_URL, "http://c:1/api"))
        .hasMessageContaining(ActivationStoreSettings.ADVERTISED_URL)
        .hasMessageContaining("no path");
    assertThatThrownBy(() -> from(ActivationStoreSettings.ADVERTISED_URL, "http://c :1"))
        .hasMessageContaining(ActivationStoreSettings.ADVERTISED_URL);
  }

  @Test
  void theMemoryKindNeedsNoPath() {
    assertThat(from(ActivationStoreSettings.KIND, "memory").open())
        .isInstanceOf(MemoryActivationStore.class);
  }

  private static ActivationStoreSettings from(String key, String value) {
    return ActivationStoreSettings.from(ConfigSource.of(Map.of(key, value)), 0);
  }
}
