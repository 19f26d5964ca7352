package io.kwhisk.invoker.publish;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.concurrent.CompletionStage;

/**
 * Everything the invoker writes to Kafka. Methods return at once; a stage completes when the broker
 * acknowledged the write (all in-sync replicas) and fails when it was not written. Thread-safe.
 */
public interface Publisher extends AutoCloseable {
  /**
   * Kafka's default {@code max.request.size}: the largest record a producer sends unless told
   * otherwise.
   */
  int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

  /**
   * The largest encoded completion this publisher can write (its producer's {@code
   * max.request.size}); a larger one fails. The proxy keeps every activation record within it
   * (RecordBudget).
   */
  default int maxCompletionBytes() {
    return DEFAULT_MAX_RECORD_BYTES;
  }

  /**
   * To {@code completed<controllerId>}, key = activation id: the activation's one durable record,
   * read by the controller that waits for it and by every controller's activation store.
   */
  CompletionStage<Void> completion(int controllerId, CompletionMessage completion);

  /**
   * To the action's topic ({@code Topics.actionTopic}), key = activation id, as the controller
   * queues it: an activation given back to its action as a new record (a container held it and
   * never ran it).
   */
  CompletionStage<Void> activation(FullyQualifiedName action, ActivationMessage activation);

  /** To {@code health}, key = invoker id. */
  CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat);

  @Override
  void close();
}
