package io.kwhisk.invoker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HostFirewallTest {

  /** A table of rules in memory, answering as iptables does; records every change. */
  private static final class FakeIptables implements HostFirewall.Commands {
    final Set<String> chains = new HashSet<>(Set.of("INPUT"));
    final List<String> rules = new ArrayList<>();
    final List<String> changes = new ArrayList<>();

    @Override
    public HostFirewall.Result run(List<String> argv) {
      assertThat(argv.subList(0, 2)).containsExactly("iptables", "-w");
      String op = argv.get(2);
      String chain = argv.get(3);
      switch (op) {
        case "-S":
          return new HostFirewall.Result(chains.contains(chain) ? 0 : 1, "");
        case "-N":
          changes.add(String.join(" ", argv.subList(2, argv.size())));
          return new HostFirewall.Result(chains.add(chain) ? 0 : 1, "Chain already exists.");
        case "-C":
          return new HostFirewall.Result(rules.contains(chain + " " + rest(argv, 4)) ? 0 : 1, "");
        case "-I":
          changes.add(String.join(" ", argv.subList(2, argv.size())));
          rules.add(0, chain + " " + rest(argv, 5));
          return new HostFirewall.Result(0, "");
        case "-A":
          changes.add(String.join(" ", argv.subList(2, argv.size())));
          rules.add(chain + " " + rest(argv, 4));
          return new HostFirewall.Result(0, "");
        default:
          throw new AssertionError(argv);
      }
    }

    private static String rest(List<String> argv, int from) {
      return String.join(" ", argv.subList(from, argv.size()));
    }
  }

  @Test
  void installsTheChainAndJumpsToItOnlyOnceItRejects() {
    FakeIptables ipt = new FakeIptables();
    new HostFirewall("iptables", ipt).install("KWHISK-abc", "br-abc", List.of(3233));

    assertThat(ipt.changes)
        .containsExactly(
            "-N KWHISK-abc",
            "-I KWHISK-abc 1 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN",
            "-I KWHISK-abc 1 -p tcp --dport 3233 -j RETURN",
            "-A KWHISK-abc -p tcp -j REJECT --reject-with tcp-reset",
            "-A KWHISK-abc -j REJECT --reject-with icmp-port-unreachable",
            "-I INPUT 1 -i br-abc -j KWHISK-abc");
  }

  @Test
  void aSecondInvokerAddsOnlyItsOwnPort() {
    FakeIptables ipt = new FakeIptables();
    new HostFirewall("iptables", ipt).install("KWHISK-abc", "br-abc", List.of(3233));
    ipt.changes.clear();
    new HostFirewall("iptables", ipt).install("KWHISK-abc", "br-abc", List.of(3233, 8443));

    assertThat(ipt.changes).containsExactly("-I KWHISK-abc 1 -p tcp --dport 8443 -j RETURN");
  }

  @Test
  void iptablesRefusingFailsWithTheRemediesNamed() {
    HostFirewall.Commands denied =
        argv ->
            new HostFirewall.Result(
                4,
                "iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)");
    assertThatThrownBy(
            () -> new HostFirewall("iptables", denied).install("KWHISK-abc", "br-abc", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("you must be root")
        .hasMessageContaining(ActionNetwork.ISOLATION + "=external")
        .hasMessageContaining(ActionNetwork.ISOLATION + "=off");
  }

  @Test
  void aMissingIptablesFailsNamingTheKeyThatNamesIt() {
    HostFirewall.Commands missing =
        argv -> {
          throw new IOException(
              "Cannot run program \"iptables\": error=2, No such file or directory");
        };
    assertThatThrownBy(
            () -> new HostFirewall("iptables", missing).install("KWHISK-abc", "br-abc", List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("No such file")
        .hasMessageContaining(ActionNetwork.IPTABLES);
  }
}
