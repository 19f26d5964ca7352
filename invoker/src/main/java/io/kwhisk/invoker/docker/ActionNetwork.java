package io.kwhisk.invoker.docker;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The Docker network action containers join and how it is isolated ({@code
 * kwhisk.invoker.network*}), read once at start-up and validated here; errors name the key.
 * Isolated is the default: actions are strangers' code, and on Docker's default bridge any of them
 * reaches every other tenant's container and every port of the host.
 *
 * @param name the network ({@code kwhisk.invoker.network}); default {@code kwhisk-actions}, or
 *     {@code bridge} when isolation is off
 * @param isolation how the network is isolated ({@code kwhisk.invoker.network-isolation}, see
 *     {@link Isolation})
 * @param allowTcp host TCP ports action containers may open connections to ({@code
 *     kwhisk.invoker.network-allow-tcp}, comma-separated): the controller's API when it listens on
 *     this host. Default: the port of {@code kwhisk.invoker.api-host} ({@code __OW_API_HOST}), none
 *     without one
 * @param iptables the iptables command ({@code kwhisk.invoker.network-iptables}); must be the
 *     backend the engine uses ({@code iptables-legacy} or {@code iptables-nft} where both are
 *     installed)
 */
public record ActionNetwork(
    String name, Isolation isolation, List<Integer> allowTcp, String iptables) {

  public static final String NAME = "kwhisk.invoker.network";
  public static final String ISOLATION = "kwhisk.invoker.network-isolation";
  public static final String ALLOW_TCP = "kwhisk.invoker.network-allow-tcp";
  public static final String IPTABLES = "kwhisk.invoker.network-iptables";
  public static final String DEFAULT_NAME = "kwhisk-actions";

  /**
   * Docker's own networks: their options are the engine's, so none of them can be made isolated by
   * kwhisk.
   */
  private static final Set<String> ENGINE_NETWORKS = Set.of("bridge", "host", "none");

  /** How action containers are kept from each other and from the host. */
  public enum Isolation {
    /**
     * The invoker creates the network (a bridge with inter-container communication disabled) when
     * missing and installs the host rules itself with iptables before its first container starts;
     * it refuses to start when it cannot (no iptables, no root or {@code CAP_NET_ADMIN}, not in the
     * host's network namespace).
     */
    IPTABLES,
    /**
     * The network and its host rules are made on the host by {@code scripts/action-network.sh up
     * NAME --allow-tcp PORT}; the invoker refuses to start unless the network exists with
     * inter-container communication disabled. For an invoker in a container of its own network
     * namespace, which cannot change the host's rules.
     */
    EXTERNAL,
    /** The opt-out: containers join the network as it is, unchecked. */
    OFF;

    static Isolation parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            ISOLATION, "must be iptables, external or off, got '" + value + "'");
      }
    }

    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ActionNetwork {
    if (name == null || name.isBlank()) throw new ConfigException(NAME, "is required");
    Objects.requireNonNull(isolation, "isolation should not be null");
    allowTcp = List.copyOf(Objects.requireNonNull(allowTcp, "allowTcp should not be null"));
    for (int port : allowTcp) {
      if (port < 1 || port > 65535)
        throw new ConfigException(ALLOW_TCP, "must be TCP ports, got " + port);
    }
    if (isolation != Isolation.OFF && ENGINE_NETWORKS.contains(name)) {
      throw new ConfigException(
          NAME,
          "Docker's own network '"
              + name
              + "' cannot be isolated: name a network of its"
              + " own (default "
              + DEFAULT_NAME
              + ") or set "
              + ISOLATION
              + "=off to run actions unisolated");
    }
    if (iptables == null || iptables.isBlank()) throw new ConfigException(IPTABLES, "is required");
  }

  /**
   * The settings of {@code config}; {@code apiHost} is the invoker's {@code __OW_API_HOST} (empty:
   * none).
   */
  public static ActionNetwork from(ConfigSource config, String apiHost) {
    Isolation isolation = config.get(ISOLATION).map(Isolation::parse).orElse(Isolation.IPTABLES);
    String name = config.string(NAME, isolation == Isolation.OFF ? "bridge" : DEFAULT_NAME);
    List<Integer> allow =
        config.get(ALLOW_TCP).map(ActionNetwork::parsePorts).orElseGet(() -> apiPort(apiHost));
    return new ActionNetwork(name, isolation, allow, config.string(IPTABLES, "iptables"));
  }

  private static List<Integer> parsePorts(String value) {
    List<Integer> ports = new ArrayList<>();
    for (String p : value.split(",")) {
      if (p.isBlank()) continue;
      try {
        ports.add(Integer.parseInt(p.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            ALLOW_TCP, "expected TCP ports separated by commas, got '" + p.trim() + "'");
      }
    }
    return ports;
  }

  /**
   * The port of an {@code http(s)://} URL (80 or 443 when it names none); none for an empty one.
   */
  static List<Integer> apiPort(String apiHost) {
    if (apiHost == null || apiHost.isBlank()) return List.of();
    URI uri;
    try {
      uri = URI.create(apiHost.trim());
    } catch (IllegalArgumentException e) {
      return List.of(); // the invoker's config rejects the URL itself, naming its key
    }
    if (uri.getPort() > 0) return List.of(uri.getPort());
    return List.of("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
  }
}
