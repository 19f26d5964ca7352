package io.kwhisk.invoker.push;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.KeyValue;
import io.kwhisk.common.message.PushedActivation;
import java.util.List;

/**
 * Records of activations the push pool could not run (no image for the kind, containers that kept
 * failing).
 */
final class PushFailures {
  private PushFailures() {}

  /**
   * A platform error ("whisk error", status 3, HTTP 500 for a blocking caller) with {@code reason}.
   */
  static ActivationRecord record(PushedActivation work, String reason, long now) {
    ActivationMessage m = work.activation();
    Action action = work.action();
    var result = Json.object();
    result.put("error", reason);
    ActivationResponse response = ActivationResponse.whiskError(result);
    List<KeyValue> annotations =
        List.of(
            new KeyValue("path", TextNode.valueOf(action.fqn().path())),
            new KeyValue("kind", TextNode.valueOf(action.exec().kind())));
    return new ActivationRecord(
        m.recordNamespace(),
        m.recordName(),
        action.version(),
        m.subject(),
        m.activationId(),
        now,
        now,
        0,
        response.statusCode(),
        response,
        List.of(),
        annotations,
        action.publish(),
        m.cause());
  }
}
