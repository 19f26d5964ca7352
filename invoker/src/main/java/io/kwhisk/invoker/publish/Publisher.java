package io.kwhisk.invoker.publish;

import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.concurrent.CompletionStage;

/**
 * Everything the invoker writes to Kafka. Methods return at once; a stage completes when the broker acknowledged
 * the write (all in-sync replicas) and fails when it was not written. Thread-safe.
 */
public interface Publisher extends AutoCloseable {
  /**
   * To {@code completed<controllerId>}, key = activation id: the activation's one durable record, read by the
   * controller that waits for it and by every controller's activation store.
   */
  CompletionStage<Void> completion(int controllerId, CompletionMessage completion);

  /** To {@code health}, key = invoker id. */
  CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat);

  @Override
  void close();
}
