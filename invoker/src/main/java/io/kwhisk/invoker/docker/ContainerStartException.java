package io.kwhisk.invoker.docker;

/**
 * A container could not be created or did not come up: a platform failure (image missing, engine down, port never
 * opened), never the action's fault.
 */
public final class ContainerStartException extends RuntimeException {
  public ContainerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
