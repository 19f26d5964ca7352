package io.kwhisk.standalone;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.EntityName;
import java.nio.file.Path;
import java.util.Map;

/**
 * The standalone launcher's own settings; the controller and invoker read theirs from the same
 * source.
 *
 * @param dataDir where the embedded broker keeps its data and where {@code wskprops} is written
 *     ({@code kwhisk.standalone.data-dir}, default {@code .kwhisk})
 * @param kafkaPort the embedded broker's client port ({@code kwhisk.standalone.kafka-port}, default
 *     0: any free port; give one to run further invokers against it)
 * @param namespace the namespace created on first start ({@code kwhisk.standalone.namespace},
 *     default guest)
 * @param apiHost the API host written to wskprops ({@code kwhisk.standalone.api-host}, default
 *     {@code http://localhost:<controller port>})
 * @param brokerOverrides server properties of the embedded broker that replace its defaults, each
 *     {@code kwhisk.standalone.kafka.broker.<property>} (environment: {@code
 *     KWHISK_STANDALONE_KAFKA_BROKER_<PROPERTY>}, '_' read as '.'), e.g. {@code
 *     kwhisk.standalone.kafka.broker.group.share.heartbeat.interval.ms=1000}
 */
public record StandaloneConfig(
    Path dataDir,
    int kafkaPort,
    String namespace,
    String apiHost,
    Map<String, String> brokerOverrides) {
  public static final String DATA_DIR = "kwhisk.standalone.data-dir";
  public static final String KAFKA_PORT = "kwhisk.standalone.kafka-port";
  public static final String NAMESPACE = "kwhisk.standalone.namespace";
  public static final String API_HOST = "kwhisk.standalone.api-host";
  public static final String BROKER_PREFIX = "kwhisk.standalone.kafka.broker.";

  public StandaloneConfig {
    brokerOverrides = Map.copyOf(brokerOverrides);
    if (kafkaPort < 0 || kafkaPort > 65535) {
      throw new ConfigException(KAFKA_PORT, "must be a TCP port or 0, got " + kafkaPort);
    }
    if (!EntityName.isValid(namespace)) {
      throw new ConfigException(NAMESPACE, "is not a valid namespace name: '" + namespace + "'");
    }
  }

  public static StandaloneConfig from(ConfigSource source) {
    return new StandaloneConfig(
        Path.of(source.string(DATA_DIR, ".kwhisk")).toAbsolutePath(),
        source.integer(KAFKA_PORT, 0),
        source.string(NAMESPACE, "guest"),
        source.get(API_HOST).orElse(null),
        source.prefixed(BROKER_PREFIX));
  }

  public Path wskProps() {
    return dataDir.resolve("wskprops");
  }
}
