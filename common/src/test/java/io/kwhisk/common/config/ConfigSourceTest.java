package io.kwhisk.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class ConfigSourceTest {

  @Test
  void durationsAcceptUnitsAndBareMilliseconds() {
    ConfigSource c = ConfigSource.of(Map.of("a", "250ms", "b", "10s", "c", "5m", "d", "42"));
    assertThat(c.duration("a", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.duration("b", Duration.ZERO)).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.duration("c", Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMillis(42));
    assertThat(c.duration("missing", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void invalidValuesNameTheKeyAndItsEnvironmentVariable() {
    ConfigSource c =
        ConfigSource.of(Map.of("kwhisk.invoker.id", "one", "kwhisk.x.keep-alive", "soon"));
    assertThatThrownBy(() -> c.integer("kwhisk.invoker.id", 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.id")
        .hasMessageContaining("KWHISK_INVOKER_ID");
    assertThatThrownBy(() -> c.duration("kwhisk.x.keep-alive", Duration.ZERO))
        .hasMessageContaining("KWHISK_X_KEEP_ALIVE");
  }

  @Test
  void explicitValuesWinOverEarlierOnesAndBlankMeansAbsent() {
    ConfigSource c = ConfigSource.of(Map.of("k", "1", "blank", "  ")).with(Map.of("k", "2"));
    assertThat(c.integer("k", 0)).isEqualTo(2);
    assertThat(c.get("blank")).isEmpty();
  }

  @Test
  void booleansAreStrict() {
    ConfigSource c = ConfigSource.of(Map.of("t", "yes", "f", "false", "x", "maybe"));
    assertThat(c.bool("t", false)).isTrue();
    assertThat(c.bool("f", true)).isFalse();
    assertThatThrownBy(() -> c.bool("x", true)).isInstanceOf(ConfigException.class);
  }

  @Test
  void settingsOfItsSectionsThatNobodyReadAreReportedAsUnread() {
    ConfigSource c =
        ConfigSource.of(
            Map.of(
                "kwhisk.invoker.keep-alive",
                "1s",
                "kwhisk.invoker.keep-alvie",
                "2s",
                "kwhisk.controller.port",
                "1",
                "kwhisk.kafka.client.security.protocol",
                "SSL"),
            Map.of(
                "KWHISK_INVOKER_ID",
                "3",
                "KWHISK_INVOKER_USER_MEMROY_MB",
                "9",
                "KWHISK_CONTROLLER_HOST",
                "x",
                "KWHISK_KAFKA_CLIENT_SASL_MECHANISM",
                "PLAIN",
                "PATH",
                "/bin"));
    c.duration("kwhisk.invoker.keep-alive", Duration.ZERO);
    c.with(Map.of()).integer("kwhisk.invoker.id", 0);
    c.prefixed("kwhisk.kafka.client.");

    assertThat(c.unread(List.of("kwhisk.invoker.", "kwhisk.kafka.")))
        .as(
            "misspelt keys and variables; another component's section and read prefixes are not reported")
        .containsExactly("KWHISK_INVOKER_USER_MEMROY_MB", "kwhisk.invoker.keep-alvie");
    assertThat(c.unread(List.of("kwhisk.controller.")))
        .containsExactly("KWHISK_CONTROLLER_HOST", "kwhisk.controller.port");
  }
}
