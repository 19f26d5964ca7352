package io.kwhisk.common.kafka;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a process reaches Kafka: {@code kwhisk.kafka.bootstrap-servers} and any client property given
 * as {@code kwhisk.kafka.client.<property>} (for security settings of an external cluster, say),
 * which are passed to every producer, consumer and admin client of the process.
 */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties) {
  public static final String BOOTSTRAP = "kwhisk.kafka.bootstrap-servers";

  /**
   * Keys under this prefix are Kafka client properties: {@code
   * kwhisk.kafka.client.security.protocol=SSL}.
   */
  public static final String CLIENT_PREFIX = "kwhisk.kafka.client.";

  public KafkaSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ConfigException(BOOTSTRAP, "is required (host:port of at least one Kafka broker)");
    }
    clientProperties = Map.copyOf(Objects.requireNonNullElse(clientProperties, Map.of()));
  }

  /** The bootstrap servers and every {@link #CLIENT_PREFIX} property of {@code config}. */
  public static KafkaSettings from(ConfigSource config) {
    return new KafkaSettings(config.get(BOOTSTRAP).orElse(null), config.prefixed(CLIENT_PREFIX));
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, Map.of());
  }

  /**
   * Base properties for a Kafka client of this process: bootstrap servers plus the extra client
   * properties.
   */
  public Map<String, Object> clientConfig(String clientId) {
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put("bootstrap.servers", bootstrapServers);
    props.put("client.id", clientId);
    return props;
  }

  /**
   * How long a reader's fetch may wait on the broker when there is nothing to read. The broker
   * answers a waiting fetch as soon as a record is appended to one of its partitions, so this
   * bounds only the fetches of an idle reader: at Kafka's default of 500 ms each idle consumer
   * costs the broker two requests a second.
   */
  public static final int READER_FETCH_WAIT_MS = 5_000;

  /**
   * Base properties for a consumer that follows topics (a classic consumer polling in a loop):
   * those of {@link #clientConfig}, with {@code fetch.max.wait.ms} at {@link #READER_FETCH_WAIT_MS}
   * unless the client properties set it.
   */
  public Map<String, Object> readerConfig(String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put("fetch.max.wait.ms", READER_FETCH_WAIT_MS);
    props.putAll(clientConfig(clientId));
    return props;
  }
}
