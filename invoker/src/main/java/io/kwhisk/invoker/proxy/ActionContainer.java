package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The OpenWhisk action-runtime protocol of one container. Calls return at once and never complete
 * exceptionally: every ending is a {@link CallOutcome}.
 */
public interface ActionContainer extends AutoCloseable {
  CompletionStage<CallOutcome> init(ObjectNode body, Duration timeout);

  CompletionStage<CallOutcome> run(ObjectNode body, Duration timeout);

  /**
   * Releases what this client holds for the container (its connection); a call in flight then
   * fails. Called when the container is being removed; idempotent, never blocks, never throws.
   */
  @Override
  default void close() {}

  /** Makes the client of a container listening on {@code host:port}. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param concurrency the most activations the container runs at once (the action's concurrency
     *     limit)
     */
    ActionContainer connect(String host, int port, int concurrency);
  }
}
