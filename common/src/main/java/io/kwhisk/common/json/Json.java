package io.kwhisk.common.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration used on the wire and in the REST API. Unknown fields are ignored so
 * that an older process reads a newer message; nulls are omitted. The mapper is thread-safe. A
 * string may be as long as {@link #MAX_STRING_CHARS}: an action's code is one string of up to 48 MB
 * (Jackson's default allows 20 million characters); what bounds a request is the API's body limit,
 * checked before any parsing.
 */
public final class Json {
  public static final int MAX_STRING_CHARS = 64 * 1024 * 1024;
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build())
                  .build())
          .addModule(new Jdk8Module())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();

  private Json() {}

  public static byte[] encode(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  public static String encodeString(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Decodes {@code bytes}; malformed input throws {@link MalformedJsonException}. */
  public static <T> T decode(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new MalformedJsonException(type, e);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Thrown when bytes are not the JSON of the expected type. */
  public static final class MalformedJsonException extends UncheckedIOException {
    MalformedJsonException(Class<?> type, IOException cause) {
      super("malformed JSON for " + type.getSimpleName() + ": " + originalMessage(cause), cause);
    }

    private static String originalMessage(IOException cause) {
      return cause instanceof JsonProcessingException jpe
          ? jpe.getOriginalMessage()
          : cause.getMessage();
    }
  }
}
