package io.kwhisk.controller.sequence;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import java.util.List;
import java.util.Objects;

/**
 * What the journal keeps of a running sequence: enough to write its record if its controller stops
 * before it ends.
 *
 * @param controller the id of the controller running it (the one that writes its record, on its
 *     completions topic)
 * @param activationId the sequence's activation id
 * @param namespace the caller's namespace (the record's namespace and subject)
 * @param path the sequence action's path ({@code namespace/name} or {@code namespace/pkg/name}),
 *     its {@code path} annotation
 * @param version the sequence action's version
 * @param start when it started (epoch ms)
 * @param cause the enclosing sequence's activation id; null for a topmost sequence
 * @param components the activation ids of the components that ended so far, in order
 * @param duration the summed durations of those components (ms), as OpenWhisk accounts a sequence
 */
public record SequenceNote(
    int controller,
    String activationId,
    String namespace,
    String path,
    String version,
    long start,
    String cause,
    List<String> components,
    long duration) {
  /** The error of a sequence whose controller stopped before it ended. */
  static final String INTERRUPTED =
      "The sequence was interrupted: its controller stopped before the sequence ended.";

  public SequenceNote {
    Objects.requireNonNull(activationId, "activationId should not be null");
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(path, "path should not be null");
    components = components == null ? List.of() : List.copyOf(components);
  }

  /**
   * The same sequence after its components so far: {@code components}, {@code duration} ms in all.
   */
  SequenceNote progressed(List<String> ids, long summed) {
    return new SequenceNote(
        controller, activationId, namespace, path, version, start, cause, ids, summed);
  }

  /**
   * The record of this sequence when its controller stopped before it ended, written at {@code
   * now}: a whisk error, the components that ended as its logs, the annotations of a sequence
   * record.
   */
  public ActivationRecord interruptedRecord(long now) {
    ActivationResponse response =
        ActivationResponse.whiskError(Json.object().put("error", INTERRUPTED));
    String name = path.substring(path.lastIndexOf('/') + 1);
    return new ActivationRecord(
        namespace,
        name,
        version,
        namespace,
        activationId,
        start,
        Math.max(start, now),
        duration,
        response.statusCode(),
        response,
        components,
        SequenceRunner.annotations(path, cause),
        false,
        cause);
  }
}
