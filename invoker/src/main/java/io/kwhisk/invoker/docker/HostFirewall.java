package io.kwhisk.invoker.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host rules of an isolated action network: an iptables chain {@code KWHISK-<network id>},
 * jumped to from {@code INPUT} for packets coming in on the network's bridge, that rejects every
 * connection an action container opens to any address of this host except replies to connections
 * the host opened (the invoker calling {@code /init} and {@code /run}) and the allowed TCP ports
 * (the controller's API). The same rules as {@code scripts/action-network.sh up}.
 *
 * <p>Idempotent and safe to run from several invokers of one host at once: every rule is checked
 * ({@code -C}) before it is added, allowed ports and the reply rule are inserted at the top, the
 * rejections appended at the end, and the {@code INPUT} jump is added last, so the chain never
 * jumps to an unfinished rule set. Rules are never removed by an invoker (several may share the
 * network, like the engine's own bridge); {@code action-network.sh down} removes them. Blocking:
 * start-up only.
 */
final class HostFirewall {
  /** Runs a command; for tests, a fake. */
  interface Commands {
    /** Exit code and combined output; IOException when the command cannot be started at all. */
    Result run(List<String> argv) throws IOException, InterruptedException;
  }

  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final String iptables;
  private final Commands commands;

  HostFirewall(String iptables, Commands commands) {
    this.iptables = iptables;
    this.commands = commands;
  }

  static Commands processes() {
    return argv -> {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after 30 s");
      }
      return new Result(p.exitValue(), out);
    };
  }

  /**
   * Closes this host's ports to packets arriving on {@code bridge} but for {@code allowTcp}, in
   * chain {@code chain}.
   *
   * @throws IllegalStateException when iptables is missing or refuses (no root, no {@code
   *     CAP_NET_ADMIN})
   */
  void install(String chain, String bridge, List<Integer> allowTcp) {
    if (!run("-w", "-S", chain).ok()) {
      Result created = run("-w", "-N", chain);
      // Another invoker may have created it in between; only a chain that is still missing is a
      // failure.
      if (!created.ok() && !run("-w", "-S", chain).ok()) throw refused("-N " + chain, created);
    }
    insertUnlessPresent(
        chain, List.of("-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"));
    for (int port : allowTcp) {
      insertUnlessPresent(
          chain, List.of("-p", "tcp", "--dport", Integer.toString(port), "-j", "RETURN"));
    }
    appendUnlessPresent(chain, List.of("-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"));
    appendUnlessPresent(chain, List.of("-j", "REJECT", "--reject-with", "icmp-port-unreachable"));
    insertUnlessPresent("INPUT", List.of("-i", bridge, "-j", chain));
  }

  private void insertUnlessPresent(String chain, List<String> rule) {
    if (present(chain, rule)) return;
    List<String> args = new ArrayList<>(List.of("-w", "-I", chain, "1"));
    args.addAll(rule);
    Result r = run(args.toArray(String[]::new));
    if (!r.ok()) throw refused(String.join(" ", args), r);
  }

  private void appendUnlessPresent(String chain, List<String> rule) {
    if (present(chain, rule)) return;
    List<String> args = new ArrayList<>(List.of("-w", "-A", chain));
    args.addAll(rule);
    Result r = run(args.toArray(String[]::new));
    if (!r.ok()) throw refused(String.join(" ", args), r);
  }

  private boolean present(String chain, List<String> rule) {
    List<String> args = new ArrayList<>(List.of("-w", "-C", chain));
    args.addAll(rule);
    return run(args.toArray(String[]::new)).ok();
  }

  private Result run(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(iptables);
    argv.addAll(List.of(args));
    try {
      return commands.run(argv);
    } catch (IOException e) {
      throw new IllegalStateException(
          ActionNetwork.ISOLATION
              + "=iptables needs the iptables command, but '"
              + iptables
              + "' cannot be run ("
              + e.getMessage()
              + "): install iptables, name it with "
              + ActionNetwork.IPTABLES
              + ", or see "
              + ActionNetwork.ISOLATION
              + " for the alternatives",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while installing the action network's host rules", e);
    }
  }

  private IllegalStateException refused(String what, Result o) {
    return new IllegalStateException(
        ActionNetwork.ISOLATION
            + "=iptables could not install the action network's"
            + " host rules: '"
            + iptables
            + " "
            + what
            + "' failed (exit "
            + o.exitCode()
            + ": "
            + o.output()
            + "). The invoker needs root (or CAP_NET_ADMIN) in the host's network namespace; else"
            + " run scripts/action-network.sh up on the host and set "
            + ActionNetwork.ISOLATION
            + "=external, or opt out"
            + " of isolation with "
            + ActionNetwork.ISOLATION
            + "=off");
  }
}
