package io.kwhisk.controller.api;

/**
 * A request the API refuses, with the HTTP status and a message fit for the client. This is the one
 * failure type handlers throw on purpose; anything else reaching the HTTP layer is a platform fault
 * (500, logged, no details to the client).
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final int retryAfterSeconds;

  public ApiError(int status, String message) {
    this(status, message, 0);
  }

  private ApiError(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  /**
   * Seconds the client should wait before retrying (the {@code Retry-After} header); 0 when there
   * is no advice.
   */
  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * 429: a limit refuses the request for now; {@code retryAfterSeconds} (at least 1) says when to
   * try again.
   */
  public static ApiError tooManyRequests(String message, int retryAfterSeconds) {
    return new ApiError(429, message, Math.max(1, retryAfterSeconds));
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }

  public static ApiError notFound() {
    return new ApiError(404, "The requested resource does not exist.");
  }

  public static ApiError conflict() {
    return new ApiError(409, "The requested resource already exists.");
  }

  public static ApiError unauthorized() {
    return new ApiError(401, "The supplied authentication is invalid.");
  }

  public static ApiError forbidden() {
    return new ApiError(
        403, "The supplied authentication is not authorized to access this resource.");
  }

  public static ApiError tooLarge(long max) {
    return new ApiError(
        413, "The request content exceeds the maximum allowed size of " + max + " bytes.");
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, message);
  }
}
