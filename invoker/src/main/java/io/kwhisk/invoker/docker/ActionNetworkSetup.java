package io.kwhisk.invoker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.kwhisk.invoker.docker.ActionNetwork.Isolation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an invoker's action network ready before its first container starts (see {@link
 * ActionNetwork}): with isolation {@code iptables}, creates the network when missing (a bridge with
 * inter-container communication disabled: the engine drops traffic between two of its containers)
 * and installs its {@link HostFirewall} rules; with {@code external}, only checks the network; with
 * {@code off}, does nothing. Any failure throws, naming the key to fix, so an invoker never runs
 * actions less isolated than configured. Blocking: start-up only.
 */
public final class ActionNetworkSetup {
  private static final Logger log = LoggerFactory.getLogger(ActionNetworkSetup.class);
  static final String ICC = "com.docker.network.bridge.enable_icc";
  static final String BRIDGE_NAME = "com.docker.network.bridge.name";

  /** Marks the networks kwhisk made, for an operator listing them. */
  static final String LABEL = "io.kwhisk.network";

  private final DockerClient docker;
  private final HostFirewall firewall;
  private final Path interfaces;

  ActionNetworkSetup(DockerClient docker, HostFirewall firewall, Path interfaces) {
    this.docker = docker;
    this.firewall = firewall;
    this.interfaces = interfaces;
  }

  /**
   * Prepares {@code network} on the engine at {@code dockerHost}, as this host's iptables allow.
   */
  public static void prepare(ActionNetwork network, String dockerHost) {
    if (network.isolation() == Isolation.OFF) {
      log.warn(
          "action containers join network {} without isolation ({}=off): they may reach each other and this"
              + " host's ports",
          network.name(),
          ActionNetwork.ISOLATION);
      return;
    }
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    var http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            .maxConnections(2)
            .connectionTimeout(Duration.ofSeconds(10))
            .build();
    try (DockerClient docker = DockerClientImpl.getInstance(config, http)) {
      new ActionNetworkSetup(
              docker,
              new HostFirewall(network.iptables(), HostFirewall.processes()),
              Path.of("/sys/class/net"))
          .prepare(network);
    } catch (IOException e) {
      log.debug("closing the setup's Docker client failed", e);
    }
  }

  void prepare(ActionNetwork network) {
    Network net =
        network.isolation() == Isolation.IPTABLES
            ? inspectOrCreate(network.name())
            : inspect(network);
    String icc = net.getOptions() == null ? null : net.getOptions().get(ICC);
    if (!"false".equals(icc)) {
      throw new IllegalStateException(
          "network "
              + network.name()
              + " ("
              + ActionNetwork.NAME
              + ") lets its"
              + " containers talk to each other ("
              + ICC
              + " is not false): remove it so that the invoker creates it"
              + " isolated, name another, or set "
              + ActionNetwork.ISOLATION
              + "=off");
    }
    if (Boolean.TRUE.equals(net.getEnableIPv6())) {
      throw new IllegalStateException(
          "network "
              + network.name()
              + " ("
              + ActionNetwork.NAME
              + ") has IPv6, which"
              + " the host rules do not cover: use an IPv4-only network or set "
              + ActionNetwork.ISOLATION
              + "=off");
    }
    if (network.isolation() == Isolation.EXTERNAL) {
      log.info(
          "action containers join network {} (inter-container traffic off); its host rules are installed"
              + " outside the invoker ({}=external)",
          network.name(),
          ActionNetwork.ISOLATION);
      return;
    }
    if (!"bridge".equals(net.getDriver())) {
      throw new IllegalStateException(
          ActionNetwork.ISOLATION
              + "=iptables: network "
              + network.name()
              + " has driver "
              + net.getDriver()
              + ", but only a bridge network's host rules are known: name another network or set "
              + ActionNetwork.ISOLATION
              + "=off");
    }
    String bridge = bridgeOf(net);
    if (!Files.exists(interfaces.resolve(bridge))) {
      throw new IllegalStateException(
          ActionNetwork.ISOLATION
              + "=iptables: the bridge "
              + bridge
              + " of network "
              + network.name()
              + " is not in this process's network namespace, so the invoker cannot filter what"
              + " action containers send to the host. Run the invoker in the engine's network namespace (the host's, or"
              + " hostNetwork), or run scripts/action-network.sh up "
              + network.name()
              + " --allow-tcp <API port> on the"
              + " host and set "
              + ActionNetwork.ISOLATION
              + "=external");
    }
    String chain = "KWHISK-" + net.getId().substring(0, 12);
    firewall.install(chain, bridge, network.allowTcp());
    log.info(
        "action containers join network {} ({}): no traffic between containers, this host's ports closed to"
            + " them but TCP {} (chain {})",
        network.name(),
        bridge,
        network.allowTcp(),
        chain);
  }

  private Network inspect(ActionNetwork network) {
    try {
      return docker.inspectNetworkCmd().withNetworkId(network.name()).exec();
    } catch (NotFoundException e) {
      throw new IllegalStateException(
          "network "
              + network.name()
              + " ("
              + ActionNetwork.NAME
              + ") does not exist:"
              + " with "
              + ActionNetwork.ISOLATION
              + "=external, create it on the host with scripts/action-network.sh up "
              + network.name()
              + " --allow-tcp <API port>",
          e);
    }
  }

  private Network inspectOrCreate(String name) {
    try {
      return docker.inspectNetworkCmd().withNetworkId(name).exec();
    } catch (NotFoundException missing) {
      try {
        docker
            .createNetworkCmd()
            .withName(name)
            .withDriver("bridge")
            .withCheckDuplicate(true)
            .withOptions(Map.of(ICC, "false"))
            .withLabels(Map.of(LABEL, "actions"))
            .exec();
        log.info("created the action network {} (inter-container communication off)", name);
      } catch (ConflictException raced) {
        log.debug("network {} was created by another invoker meanwhile", name);
      }
      return docker.inspectNetworkCmd().withNetworkId(name).exec();
    }
  }

  /**
   * The Linux bridge of a bridge network: named by its option, else {@code br-} and the id's first
   * 12 digits.
   */
  static String bridgeOf(Network net) {
    String named = net.getOptions() == null ? null : net.getOptions().get(BRIDGE_NAME);
    return named != null && !named.isBlank() ? named : "br-" + net.getId().substring(0, 12);
  }
}
