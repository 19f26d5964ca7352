package io.kwhisk.controller.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ServerSettingsTest {
  @TempDir static Path dir;
  static Path keystore;

  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = SelfSignedKeystore.create(dir);
  }

  private static ServerSettings parse(Map<String, String> values) {
    return ServerSettings.from(ConfigSource.of(values));
  }

  @Test
  void byDefaultTheApiIsPlainHttpWithItsMetrics() {
    assertThat(parse(Map.of())).isEqualTo(ServerSettings.defaults());
  }

  @Test
  void aKeystoreThatOpensGivesTheApiTlsAndNeverPrintsItsPassword() {
    ServerSettings s =
        parse(
            Map.of(
                ServerSettings.KEYSTORE,
                keystore.toString(),
                ServerSettings.KEYSTORE_PASSWORD,
                SelfSignedKeystore.PASSWORD));
    assertThat(s.tls()).isPresent();
    assertThat(s.tls().get().context().getProtocol()).isEqualTo("TLS");
    assertThat(s.toString())
        .contains(keystore.toString())
        .doesNotContain(SelfSignedKeystore.PASSWORD);
  }

  @Test
  void aKeystoreProblemFailsTheStartNamingTheKeyToFix() throws Exception {
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        ServerSettings.KEYSTORE,
                        keystore.toString(),
                        ServerSettings.KEYSTORE_PASSWORD,
                        "wrong")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.KEYSTORE_PASSWORD)
        .hasMessageNotContaining("wrong");
    assertThatThrownBy(
            () -> parse(Map.of(ServerSettings.KEYSTORE, dir.resolve("missing.p12").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.KEYSTORE + " ");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        ServerSettings.KEYSTORE,
                        keystore.toString(),
                        ServerSettings.KEYSTORE_PASSWORD,
                        SelfSignedKeystore.PASSWORD,
                        ServerSettings.KEYSTORE_TYPE,
                        "PEMish")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.KEYSTORE_TYPE);
    Path notAKeystore = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        ServerSettings.KEYSTORE,
                        notAKeystore.toString(),
                        ServerSettings.KEYSTORE_PASSWORD,
                        "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.KEYSTORE + " ");
    assertThatThrownBy(() -> parse(Map.of(ServerSettings.KEYSTORE_PASSWORD, "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.KEYSTORE + " ");
  }

  @Test
  void theMetricsPortIsValidated() {
    assertThat(parse(Map.of(ServerSettings.METRICS_PORT, "9100")).metricsPort()).isEqualTo(9100);
    assertThatThrownBy(() -> parse(Map.of(ServerSettings.METRICS_PORT, "70000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ServerSettings.METRICS_PORT);
  }
}
