package io.kwhisk.invoker.proxy;

import io.kwhisk.common.message.ActivationMessage;
import java.util.Objects;

/**
 * One activation record pulled from the action's share group, with what the source needs to
 * acknowledge it: the consumer ({@code lane}) that pulled it and its coordinates. {@code
 * deliveryCount} is 1 on the first delivery and grows with each redelivery.
 */
public record Delivery(
    int lane,
    String topic,
    int partition,
    long offset,
    int deliveryCount,
    ActivationMessage message) {
  public Delivery {
    Objects.requireNonNull(topic, "topic should not be null");
    Objects.requireNonNull(message, "message should not be null");
  }

  public String activationId() {
    return message.activationId();
  }
}
