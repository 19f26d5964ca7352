package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.invoker.docker.ActionNetwork;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With the invoker's default configuration, action containers reach neither each other nor the
 * host's ports, but do reach the API they are given as {@code __OW_API_HOST}: the invoker makes the
 * network and its host rules itself at start. Real engine and iptables (root); every address probed
 * is this machine's: the Docker bridge's and the action network's gateways (the host) and the
 * test's own containers.
 */
class NetworkIsolationIT {
  private static final int INVOKER_ID = 66;
  private static final String NETWORK = ActionNetwork.DEFAULT_NAME;

  private static ControllerDouble controller;
  private static Invoker invoker;
  private static HttpServer api;

  /**
   * Stands for a broker listening on the host's addresses, as a broker of a real deployment does.
   */
  private static ServerSocket broker;

  private static int metricsPort;

  /** The host as containers see it: the action network's gateway. */
  private static String gateway;

  /**
   * Another address of the host: the default bridge's gateway, where the API listens for actions.
   */
  private static String bridgeGateway;

  @BeforeAll
  static void start() throws Exception {
    assumeThat(System.getProperty("user.name")).as("iptables needs root").isEqualTo("root");
    bridgeGateway = gatewayOf("bridge");
    api = HttpServer.create(new InetSocketAddress(0), 0);
    api.createContext(
        "/api/v1",
        exchange -> {
          byte[] body = "{\"api\":\"kwhisk\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
    broker = new ServerSocket(0);
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    controller = ControllerDouble.start();
    invoker =
        Invoker.start(
            InvokerConfig.from(
                ConfigSource.of(
                    Map.of(
                        "kwhisk.kafka.bootstrap-servers",
                        controller.bootstrapServers(),
                        "kwhisk.invoker.id",
                        Integer.toString(INVOKER_ID),
                        "kwhisk.invoker.keep-alive",
                        "60s",
                        "kwhisk.invoker.prefetch",
                        "1",
                        "kwhisk.invoker.pause-grace",
                        "0",
                        "kwhisk.invoker.metrics-port",
                        Integer.toString(metricsPort),
                        "kwhisk.invoker.api-host",
                        "http://" + bridgeGateway + ":" + api.getAddress().getPort()))));
    gateway = gatewayOf(NETWORK);
  }

  /**
   * The gateway of the Docker network {@code name}: the one its IPAM configuration names or, when
   * the engine leaves it out (Docker 20.10 does for the default bridge), the IPv4 address of the
   * network's bridge interface on the host, which is what the containers route through.
   */
  private static String gatewayOf(String name) throws Exception {
    String configured =
        docker("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", name).trim();
    if (!configured.isEmpty()) return configured;
    String bridge =
        docker(
                "network",
                "inspect",
                "-f",
                "{{index .Options \"com.docker.network.bridge.name\"}}",
                name)
            .trim();
    NetworkInterface nic = NetworkInterface.getByName(bridge);
    assertThat(nic).as("bridge interface %s of network %s", bridge, name).isNotNull();
    return nic.inetAddresses()
        .filter(a -> a instanceof Inet4Address)
        .map(InetAddress::getHostAddress)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no IPv4 address on " + bridge));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (controller != null) ControllerDouble.shutDown(invoker, controller, INVOKER_ID);
    } finally {
      if (api != null) api.stop(0);
      if (broker != null) broker.close();
    }
  }

  /**
   * Whether this host reaches {@code host:port}: the listener is there, so only the isolation can
   * refuse it.
   */
  private static boolean hostReaches(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  @Timeout(180)
  void anActionReachesNeitherAnotherTenantsContainerNorTheHostsPortsButItsApi() throws Exception {
    Action victim =
        controller.action(
            "victim-" + UUID.randomUUID().toString().substring(0, 8),
            10_000,
            128,
            "function main() { return {ok: true}; }");
    controller.createContainer(INVOKER_ID, victim);
    CompletionMessage victimRun = controller.invoke(victim, Json.object());
    assertThat(
            docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", victimRun.containerId()).trim())
        .isEqualTo(NETWORK);
    String victimIp =
        docker(
                "inspect",
                "-f",
                "{{(index .NetworkSettings.Networks \"" + NETWORK + "\").IPAddress}}",
                victimRun.containerId())
            .trim();
    for (String host : List.of(gateway, bridgeGateway)) {
      for (int port : List.of(broker.getLocalPort(), metricsPort, api.getAddress().getPort())) {
        assertThat(hostReaches(host, port)).as("%s:%d listens", host, port).isTrue();
      }
    }
    assertThat(hostReaches(victimIp, 8080)).as("the invoker reaches the victim's /run").isTrue();

    Action prober =
        controller.action(
            "prober-" + UUID.randomUUID().toString().substring(0, 8),
            20_000,
            128,
            """
        const net = require('net');
        const http = require('http');
        function probe(host, port) {
          return new Promise(resolve => {
            const s = net.connect({host, port});
            const done = r => { s.destroy(); resolve(r); };
            s.setTimeout(1000, () => done('timeout'));
            s.on('connect', () => done('connected'));
            s.on('error', e => done(e.code));
          });
        }
        function api() {
          return new Promise(resolve => {
            const r = http.get(process.env.__OW_API_HOST + '/api/v1', res => {
              let body = ''; res.on('data', d => body += d); res.on('end', () => resolve(res.statusCode + ' ' + body));
            });
            r.setTimeout(2000, () => { r.destroy(); resolve('timeout'); });
            r.on('error', e => resolve(e.code));
          });
        }
        async function main(p) {
          const started = Date.now();
          const out = {};
          for (const [name, host, port] of p.targets) out[name] = await probe(host, port);
          out.api = await api();
          out.probeMs = Date.now() - started;
          return out;
        }""");
    controller.createContainer(INVOKER_ID, prober);
    var targets = Json.MAPPER.createArrayNode();
    targets.addArray().add("victim").add(victimIp).add(8080);
    targets.addArray().add("broker").add(gateway).add(broker.getLocalPort());
    targets.addArray().add("invokerMetrics").add(gateway).add(metricsPort);
    targets.addArray().add("brokerViaBridge").add(bridgeGateway).add(broker.getLocalPort());
    targets.addArray().add("invokerMetricsViaBridge").add(bridgeGateway).add(metricsPort);
    var params = Json.object();
    params.set("targets", targets);
    JsonNode seen = controller.invoke(prober, params).record().response().result();

    assertThat(seen.get("victim").asText())
        .as("%s", seen)
        .isIn("timeout", "ECONNREFUSED", "ECONNRESET");
    assertThat(seen.get("broker").asText())
        .as("%s", seen)
        .isIn("timeout", "ECONNREFUSED", "ECONNRESET");
    assertThat(seen.get("invokerMetrics").asText())
        .as("%s", seen)
        .isIn("timeout", "ECONNREFUSED", "ECONNRESET");
    assertThat(seen.get("brokerViaBridge").asText())
        .as("%s", seen)
        .isIn("timeout", "ECONNREFUSED", "ECONNRESET");
    assertThat(seen.get("invokerMetricsViaBridge").asText())
        .as("%s", seen)
        .isIn("timeout", "ECONNREFUSED", "ECONNRESET");
    assertThat(seen.get("api").asText()).as("%s", seen).isEqualTo("200 {\"api\":\"kwhisk\"}");
  }

  @Test
  @Timeout(60)
  void anInvokerThatCannotInstallTheHostRulesRefusesToStartInsteadOfRunningActionsUnprotected() {
    assertThatThrownBy(
            () ->
                Invoker.start(
                    InvokerConfig.from(
                        ConfigSource.of(
                            Map.of(
                                "kwhisk.kafka.bootstrap-servers",
                                controller.bootstrapServers(),
                                "kwhisk.invoker.id",
                                Integer.toString(INVOKER_ID + 1),
                                ActionNetwork.IPTABLES,
                                "/nonexistent/iptables")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ActionNetwork.ISOLATION + "=iptables")
        .hasMessageContaining("/nonexistent/iptables")
        .hasMessageContaining(ActionNetwork.IPTABLES);
  }
}
