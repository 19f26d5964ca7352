package io.kwhisk.common.message;

import java.util.Objects;

/**
 * Asks an invoker to give its containers of an action a new keep-alive: {@code keepAliveMs} (> 0)
 * is how long each may stay idle from the end of its last activation; an idle one whose new window
 * has already passed goes at once. The controller sends it when its keep-alive policy's window for
 * the action changes; a container created later carries the window in its {@link
 * ContainerCreation}.
 */
public record ContainerKeepAlive(String namespace, String actionName, long keepAliveMs)
    implements InvokerCommand {
  public ContainerKeepAlive {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(actionName, "actionName should not be null");
    if (keepAliveMs <= 0)
      throw new IllegalArgumentException("keepAliveMs should be > 0, was " + keepAliveMs);
  }

  /** The path ({@code namespace/name}) of the action, as heartbeats and pools name it. */
  public String actionPath() {
    return namespace + "/" + actionName;
  }
}
