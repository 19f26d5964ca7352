package io.kwhisk.invoker.docker;

/**
 * A container could not be created or did not come up: a platform failure (image missing, engine
 * down, port never opened), never the action's fault.
 */
public final class ContainerStartException extends RuntimeException {
  private final boolean imageMissing;

  public ContainerStartException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * @param imageMissing the engine has no such image: every container of it would fail the same way
   */
  public ContainerStartException(String message, Throwable cause, boolean imageMissing) {
    super(message, cause);
    this.imageMissing = imageMissing;
  }

  public boolean imageMissing() {
    return imageMissing;
  }
}
