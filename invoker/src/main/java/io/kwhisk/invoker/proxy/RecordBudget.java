package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * What one activation record may carry. The record travels whole in one Kafka record (the
 * completion), which the invoker's producer caps at {@code maxRecordBytes}; a larger one could
 * never be written, so its delivery would be re-run and finally dropped without a record. So a
 * result larger than {@link #maxResultBytes()} is replaced by a developer error
 * (ActivationResults), and logs are cut to the room the result leaves. OpenWhisk stores records in
 * a database and caps results at 1 MB; here the cap is the record's, less room for the other fields
 * and some logs.
 *
 * @param maxRecordBytes the largest completion the publisher writes (its producer's {@code
 *     max.request.size})
 */
record RecordBudget(int maxRecordBytes) {
  /**
   * Room for everything but the result and the logs: ids, names, annotations, the record's framing
   * in Kafka.
   */
  static final int FIELDS_BYTES = 16 * 1024;

  /**
   * Logs that always fit beside the largest result, so only louder activations need the result's
   * exact size.
   */
  static final int LOGS_ALWAYS_BYTES = 48 * 1024;

  RecordBudget {
    if (maxRecordBytes < 2 * (FIELDS_BYTES + LOGS_ALWAYS_BYTES)) {
      throw new IllegalArgumentException(
          "the producer's max.request.size ("
              + maxRecordBytes
              + " bytes) leaves no room for activation records: it must be at least "
              + 2 * (FIELDS_BYTES + LOGS_ALWAYS_BYTES)
              + " bytes");
    }
  }

  /** The largest result, encoded, an activation record can carry. */
  int maxResultBytes() {
    return maxRecordBytes - FIELDS_BYTES - LOGS_ALWAYS_BYTES;
  }

  /**
   * {@code lines} as they fit in the record beside {@code result}: the first lines that fit, with
   * OpenWhisk's note when some were cut. Counts each line as JSON encodes it (escapes included), so
   * the estimate never falls short.
   */
  List<String> fit(List<String> lines, JsonNode result) {
    long size = 0;
    for (String l : lines) size += jsonBytes(l);
    if (size <= LOGS_ALWAYS_BYTES) return lines;
    long room = maxRecordBytes - FIELDS_BYTES - (long) Json.encode(result).length;
    if (size <= room) return lines;
    String note =
        "Logs were truncated because the total bytes size exceeds the limit of " + room + " bytes.";
    long left = room - jsonBytes(note);
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      left -= jsonBytes(l);
      if (left < 0) break;
      out.add(l);
    }
    out.add(note);
    return out;
  }

  /**
   * An upper bound of the bytes {@code line} takes in a JSON array: quotes, comma, escapes, UTF-8.
   */
  static long jsonBytes(String line) {
    long n = 3;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c < 0x20 || Character.isSurrogate(c))
        n += 6; // a six-byte escape: Jackson escapes surrogates one by one
      else if (c == '"' || c == '\\') n += 2;
      else if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else n += 3;
    }
    return n;
  }
}
