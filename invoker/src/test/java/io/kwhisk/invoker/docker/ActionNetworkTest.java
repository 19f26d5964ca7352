package io.kwhisk.invoker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.invoker.docker.ActionNetwork.Isolation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ActionNetworkTest {

  private static ActionNetwork parse(Map<String, String> values, String apiHost) {
    return ActionNetwork.from(ConfigSource.of(values), apiHost);
  }

  @Test
  void actionsAreIsolatedByDefaultAndReachOnlyTheApiPortOfTheHost() {
    ActionNetwork n = parse(Map.of(), "http://172.17.0.1:3233");
    assertThat(n)
        .isEqualTo(
            new ActionNetwork("kwhisk-actions", Isolation.IPTABLES, List.of(3233), "iptables"));
    assertThat(parse(Map.of(), "https://api.example.org").allowTcp()).containsExactly(443);
    assertThat(parse(Map.of(), "http://api.example.org/base").allowTcp()).containsExactly(80);
    assertThat(parse(Map.of(), "").allowTcp()).isEmpty();
  }

  @Test
  void theOptOutKeepsDockersDefaultBridge() {
    ActionNetwork n = parse(Map.of(ActionNetwork.ISOLATION, "off"), "");
    assertThat(n.isolation()).isEqualTo(Isolation.OFF);
    assertThat(n.name()).isEqualTo("bridge");
  }

  @Test
  void allowedPortsAndTheIptablesCommandAreConfigurable() {
    ActionNetwork n =
        parse(
            Map.of(
                ActionNetwork.ALLOW_TCP,
                "3233, 443",
                ActionNetwork.IPTABLES,
                "iptables-legacy",
                ActionNetwork.NAME,
                "tenants",
                ActionNetwork.ISOLATION,
                "external"),
            "http://h:1");
    assertThat(n)
        .isEqualTo(
            new ActionNetwork(
                "tenants", Isolation.EXTERNAL, List.of(3233, 443), "iptables-legacy"));
  }

  @Test
  void invalidSettingsNameTheirKey() {
    assertThatThrownBy(() -> parse(Map.of(ActionNetwork.ISOLATION, "maybe"), ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActionNetwork.ISOLATION);
    assertThatThrownBy(() -> parse(Map.of(ActionNetwork.ALLOW_TCP, "api"), ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActionNetwork.ALLOW_TCP);
    assertThatThrownBy(() -> parse(Map.of(ActionNetwork.ALLOW_TCP, "70000"), ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActionNetwork.ALLOW_TCP);
    assertThatThrownBy(() -> parse(Map.of(ActionNetwork.NAME, "bridge"), ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ActionNetwork.NAME)
        .hasMessageContaining(ActionNetwork.ISOLATION + "=off");
  }
}
