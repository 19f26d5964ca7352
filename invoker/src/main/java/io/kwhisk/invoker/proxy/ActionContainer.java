package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The OpenWhisk action-runtime protocol of one container. Calls return at once and never complete exceptionally:
 * every ending is a {@link CallOutcome}.
 */
public interface ActionContainer {
  CompletionStage<CallOutcome> init(ObjectNode body, Duration timeout);

  CompletionStage<CallOutcome> run(ObjectNode body, Duration timeout);

  /** Makes the client of a container listening on {@code host:port}. */
  @FunctionalInterface
  interface Factory {
    ActionContainer connect(String host, int port);
  }
}
