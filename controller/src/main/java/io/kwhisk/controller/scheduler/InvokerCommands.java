package io.kwhisk.controller.scheduler;

import io.kwhisk.common.message.InvokerCommand;

/**
 * Sends commands to invokers. Implementations must not block the caller (an actor or an HTTP
 * handler).
 */
public interface InvokerCommands {
  void send(int invokerId, InvokerCommand command);
}
