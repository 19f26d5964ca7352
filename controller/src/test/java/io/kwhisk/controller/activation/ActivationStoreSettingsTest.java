package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
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
  void theMemoryKindNeedsNoPath() {
    assertThat(from(ActivationStoreSettings.KIND, "memory").open())
        .isInstanceOf(MemoryActivationStore.class);
  }

  private static ActivationStoreSettings from(String key, String value) {
    return ActivationStoreSettings.from(ConfigSource.of(Map.of(key, value)), 0);
  }
}
