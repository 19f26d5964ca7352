package io.kwhisk.controller.activation;

import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The records a controller writes for activations that no container will ever run: they end as a
 * whisk internal error with a message saying why, so that every accepted activation has a record.
 * Written like an invoker's completion (to {@code completed<C>} of the controller that accepted it,
 * key = activation id); a controller keeps the first completion of an activation, so a real run
 * that completed first wins.
 */
public final class ErrorRecords {
  /** The broker gave the record up after the share group's delivery limit. */
  public static final String UNDELIVERABLE =
      "The activation could not be run: its delivery to a container failed %d times.";

  /** The action was deleted while the activation waited for a container. */
  public static final String ACTION_DELETED =
      "The action was deleted before the activation could run.";

  /** No invoker id wrote it: a controller did. */
  public static final int NO_INVOKER = -1;

  private ErrorRecords() {}

  /**
   * A whisk error record of {@code message} saying {@code error}, ending now; annotated from {@code
   * action}.
   */
  public static CompletionMessage completion(
      ActivationMessage message, Optional<Action> action, String error, long now) {
    ObjectNode result = Json.object().put("error", error);
    ActivationResponse response = ActivationResponse.whiskError(result);
    List<KeyValue> annotations = new ArrayList<>();
    annotations.add(new KeyValue("path", TextNode.valueOf(message.action().path())));
    action.ifPresent(a -> annotations.add(new KeyValue("kind", TextNode.valueOf(a.exec().kind()))));
    annotations.add(
        new KeyValue("waitTime", LongNode.valueOf(Math.max(0, now - message.enqueuedAt()))));
    ActivationRecord record =
        new ActivationRecord(
            message.namespace(),
            message.actionName(),
            action.map(Action::version).orElse("0.0.1"),
            message.subject(),
            message.activationId(),
            now,
            now,
            0,
            response.statusCode(),
            response,
            List.of(),
            annotations,
            action.map(Action::publish).orElse(false));
    return new CompletionMessage(message.activationId(), NO_INVOKER, null, record);
  }
}
