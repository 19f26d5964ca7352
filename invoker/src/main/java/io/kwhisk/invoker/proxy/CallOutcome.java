package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.invoker.docker.ContainerStatus;

/** How a call to a container's {@code /init} or {@code /run} ended. */
public sealed interface CallOutcome {
  /** The container answered; {@code body} is its JSON, or a text node when it was not JSON. */
  record Answered(int status, JsonNode body) implements CallOutcome {}

  /**
   * The container answered with a body larger than the invoker reads ({@code limit} bytes); {@code
   * bytes} is its announced length, or -1 when the answer did not give one (chunked, or delimited
   * by the connection's end).
   */
  record TooLarge(int status, long bytes, long limit) implements CallOutcome {}

  /** No answer within the time limit. */
  record TimedOut() implements CallOutcome {}

  /** The connection failed or broke: the container died or its runtime crashed. */
  record Failed(String reason) implements CallOutcome {}

  /**
   * The connection broke and the engine says why: the container stopped (or vanished) under the
   * call.
   */
  record Died(String reason, ContainerStatus status) implements CallOutcome {}
}
