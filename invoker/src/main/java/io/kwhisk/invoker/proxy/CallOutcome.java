package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.invoker.docker.ContainerStatus;

/** How a call to a container's {@code /init} or {@code /run} ended. */
public sealed interface CallOutcome {
  /** The container answered; {@code body} is its JSON, or a text node when it was not JSON. */
  record Answered(int status, JsonNode body) implements CallOutcome {}

  /** No answer within the time limit. */
  record TimedOut() implements CallOutcome {}

  /** The connection failed or broke: the container died or its runtime crashed. */
  record Failed(String reason) implements CallOutcome {}

  /** The connection broke and the engine says why: the container stopped (or vanished) under the call. */
  record Died(String reason, ContainerStatus status) implements CallOutcome {}
}
