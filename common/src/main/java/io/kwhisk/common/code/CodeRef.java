package io.kwhisk.common.code;

import java.util.List;
import java.util.Objects;

/**
 * Where the code of an action too large to travel inline lives: {@value
 * io.kwhisk.common.topic.Topics#CODE}, in chunks at {@code offsets} (one record each, in order) of
 * its one partition, keyed {@link CodeChunks#key}. The code is the UTF-8 bytes of the API's {@code
 * exec.code} (base64 text for a zip or jar), {@code size} bytes whose SHA-256 is {@code digest}
 * (hex): a reader checks it, and an invoker caches code by it, so actions uploading the same code
 * share one cached copy. {@code upload} makes the chunk keys of each upload unique: compaction
 * never removes a chunk until the action that names it is updated or deleted (a tombstone per key),
 * so the offsets stay valid as long as the action does.
 */
public record CodeRef(String digest, long size, String upload, List<Long> offsets) {
  public CodeRef {
    Objects.requireNonNull(digest, "digest should not be null");
    Objects.requireNonNull(upload, "upload should not be null");
    offsets = List.copyOf(Objects.requireNonNull(offsets, "offsets should not be null"));
    if (offsets.isEmpty())
      throw new IllegalArgumentException("a code reference needs at least one chunk");
    if (size < 0) throw new IllegalArgumentException("size must be 0 or more, got " + size);
  }
}
