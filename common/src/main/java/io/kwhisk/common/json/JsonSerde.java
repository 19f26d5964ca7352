package io.kwhisk.common.json;

import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer and deserializer for one message record type, through {@link Json}. */
public final class JsonSerde<T> implements Serializer<T>, Deserializer<T> {
  private final Class<T> type;

  public JsonSerde(Class<T> type) {
    this.type = type;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : Json.encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : Json.decode(data, type);
  }
}
