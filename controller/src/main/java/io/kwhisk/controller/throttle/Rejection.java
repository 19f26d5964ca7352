package io.kwhisk.controller.throttle;

/**
 * Why an invocation was refused (HTTP 429): which limit, how far over it the caller is, and how
 * many seconds it should wait before retrying. {@link #message()} is OpenWhisk's wording, fit for
 * the client.
 */
public record Rejection(Limit limit, long count, long allowed, int retryAfterSeconds) {
  /** The limits admission enforces; {@link #tag()} is the bounded metrics tag. */
  public enum Limit {
    NAMESPACE_CONCURRENCY("namespace_concurrency"),
    ACTION_BACKLOG("action_backlog"),
    NAMESPACE_RATE("namespace_rate");

    private final String tag;

    Limit(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  public Rejection {
    if (retryAfterSeconds < 1)
      throw new IllegalArgumentException("retryAfterSeconds must be at least 1");
  }

  public String message() {
    if (limit == Limit.NAMESPACE_RATE) {
      return "Too many requests in the last minute (count: "
          + count
          + ", allowed: "
          + allowed
          + ").";
    }
    if (limit == Limit.NAMESPACE_CONCURRENCY) {
      return "Too many concurrent requests in flight (count: "
          + count
          + ", allowed: "
          + allowed
          + ").";
    }
    return "Too many activations queued for this action (count: "
        + count
        + ", allowed: "
        + allowed
        + ").";
  }
}
