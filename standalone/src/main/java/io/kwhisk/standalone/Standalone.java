package io.kwhisk.standalone;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.controller.Controller;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.activation.ActivationStoreSettings;
import io.kwhisk.controller.throttle.AdmissionSettings;
import io.kwhisk.invoker.Invoker;
import io.kwhisk.invoker.InvokerConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM with an embedded single-node Kafka broker, a controller and an invoker: the README's
 * first command and the integration tests' system under test. It only wires: every behaviour lives
 * in the modules it starts.
 *
 * <p>On start it makes sure the configured namespace exists and that {@code <data dir>/wskprops}
 * holds a key that works: the key written on an earlier run is kept, so a restart on the same data
 * directory changes nothing for the user.
 */
public final class Standalone implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Standalone.class);

  private final EmbeddedKafka kafka;
  private final Controller controller;
  private final Invoker invoker;
  private final WskProps props;
  private final Path wskPropsFile;

  private Standalone(
      EmbeddedKafka kafka,
      Controller controller,
      Invoker invoker,
      WskProps props,
      Path wskPropsFile) {
    this.kafka = kafka;
    this.controller = controller;
    this.invoker = invoker;
    this.props = props;
    this.wskPropsFile = wskPropsFile;
  }

  /**
   * The standalone's invocations per minute per namespace unless configured: a developer's machine,
   * where one user running load ({@code perf/run.sh load}) should meet the concurrency limit rather
   * than OpenWhisk's 120 a minute (OpenWhisk's own standalone raises its limits too).
   */
  public static final int PER_MINUTE = 60_000;

  /** Starts the broker, a controller and an invoker, all configured from {@code source}. */
  public static Standalone start(ConfigSource source) throws Exception {
    StandaloneConfig config = StandaloneConfig.from(source);
    EmbeddedKafka kafka =
        EmbeddedKafka.start(
            config.dataDir().resolve("kafka"), config.kafkaPort(), config.brokerOverrides());
    Controller controller = null;
    try {
      ConfigSource wired = source.with(Map.of(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers()));
      if (source.get(ActivationStoreSettings.DATA_DIR).isEmpty()) {
        // The controller's activation store lives beside the broker's data, like everything else.
        wired =
            wired.with(
                Map.of(
                    ActivationStoreSettings.DATA_DIR,
                    config.dataDir().resolve("controller").toString()));
      }
      controller =
          Controller.start(
              ControllerConfig.from(
                  source.get(AdmissionSettings.NAMESPACE_PER_MINUTE).isPresent()
                      ? wired
                      : wired.with(
                          Map.of(
                              AdmissionSettings.NAMESPACE_PER_MINUTE,
                              String.valueOf(PER_MINUTE)))));
      String scheme = controller.config().server().tls().isPresent() ? "https" : "http";
      Invoker invoker =
          Invoker.start(
              InvokerConfig.from(withContainerApiHost(source, wired, scheme, controller.port())));
      String apiHost =
          Optional.ofNullable(config.apiHost())
              .orElse(scheme + "://localhost:" + controller.port());
      WskProps props = new WskProps(apiHost, credentials(controller, config), config.namespace());
      props.write(config.wskProps());
      return new Standalone(kafka, controller, invoker, props, config.wskProps());
    } catch (Exception | Error e) {
      if (controller != null) controller.close();
      kafka.close();
      throw e;
    }
  }

  /**
   * The API host action containers get as {@code __OW_API_HOST}: {@code kwhisk.invoker.api-host}
   * when set, else the controller's port on the Docker bridge's gateway (an address of the host;
   * the invoker's host rules let action containers reach that port), so that an action can call the
   * API (OpenWhisk's {@code openwhisk} npm module reads that variable).
   */
  private static ConfigSource withContainerApiHost(
      ConfigSource source, ConfigSource wired, String scheme, int port) {
    if (source.get(InvokerConfig.API_HOST).isPresent()) return wired;
    try {
      NetworkInterface bridge = NetworkInterface.getByName("docker0");
      if (bridge == null) return wired;
      for (InetAddress a : Collections.list(bridge.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return wired.with(
              Map.of(InvokerConfig.API_HOST, scheme + "://" + a.getHostAddress() + ":" + port));
        }
      }
    } catch (SocketException e) {
      log.warn(
          "could not find the Docker bridge's address; containers get no __OW_API_HOST: {}",
          e.toString());
    }
    return wired;
  }

  /**
   * The key of the standalone's namespace: the one from an earlier wskprops when still valid, else
   * a new one.
   */
  private static String credentials(Controller controller, StandaloneConfig config)
      throws Exception {
    Optional<WskProps> earlier = WskProps.read(config.wskProps());
    if (earlier.isPresent() && config.namespace().equals(earlier.get().namespace())) {
      controller.registerNamespace(config.namespace(), earlier.get().auth());
      return earlier.get().auth();
    }
    Optional<String> created = controller.ensureNamespace(config.namespace());
    if (created.isPresent()) return created.get();
    String fresh = UUID.randomUUID() + ":" + randomKey();
    controller.registerNamespace(config.namespace(), fresh);
    log.info(
        "namespace {} existed but its key was lost with wskprops: issued a new key",
        config.namespace());
    return fresh;
  }

  private static String randomKey() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder key = new StringBuilder(64);
    for (int i = 0; i < 64; i++) key.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return key.toString();
  }

  public String apiHost() {
    return props.apiHost();
  }

  /** {@code uuid:key} of the standalone's namespace. */
  public String auth() {
    return props.auth();
  }

  public String namespace() {
    return props.namespace();
  }

  /** Where the API host and key were written, in the {@code wsk} properties format. */
  public Path wskPropsFile() {
    return wskPropsFile;
  }

  public String kafkaBootstrapServers() {
    return kafka.bootstrapServers();
  }

  /**
   * Stops the invoker first (it finishes running activations and removes its containers), then the
   * rest.
   */
  @Override
  public void close() {
    invoker.close();
    controller.close();
    kafka.close();
  }

  public static void main(String[] args) throws Exception {
    ConfigSource source = ConfigSource.fromEnvironment();
    Standalone standalone = start(source);
    source
        .unread(
            List.of("kwhisk.controller.", "kwhisk.invoker.", "kwhisk.standalone.", "kwhisk.kafka."))
        .forEach(
            key ->
                log.warn(
                    "configuration {} is set but no setting has that name (misspelt?); ignored",
                    key));
    // The key stays in wskprops (owner-readable only): output is often captured in logs and CI
    // transcripts.
    System.out.printf(
        "%nkwhisk standalone is ready.%n  API host:  %s%n  auth:      AUTH in wskprops%n  namespace: %s%n"
            + "  wskprops:  %s%n  Kafka:     %s%n%nTry: curl -u \"$(sed -n 's/^AUTH=//p' '%s')\" '%s/api/v1/namespaces/_/actions'%n"
            + "Stop with Ctrl-C.%n%n",
        standalone.apiHost(),
        standalone.namespace(),
        standalone.wskPropsFile(),
        standalone.kafkaBootstrapServers(),
        standalone.wskPropsFile(),
        standalone.apiHost());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("stopping kwhisk standalone");
                  standalone.close();
                  stopped.countDown();
                },
                "kwhisk-shutdown"));
    stopped.await();
  }
}
