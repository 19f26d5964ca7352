package io.kwhisk.common.message;

import java.util.Objects;

/**
 * Published by a ContainerProxy to {@code completed<C>} (key: activation id) when an activation
 * ends, successfully or not. Controllers drop duplicates by activation id: delivery to containers
 * is at-least-once.
 */
public record CompletionMessage(
    String activationId, int invokerId, String containerId, ActivationRecord record) {
  public CompletionMessage {
    Objects.requireNonNull(activationId, "activationId should not be null");
    Objects.requireNonNull(record, "record should not be null");
  }
}
