package io.kwhisk.common.code;

/**
 * The code a {@link CodeRef} names could not be read: a chunk is gone (the action was deleted or
 * updated since, and compaction ran), it read back corrupt, or Kafka did not answer in time. A
 * platform error, never the caller's.
 */
public final class CodeUnavailableException extends RuntimeException {
  public CodeUnavailableException(String message) {
    super(message);
  }

  public CodeUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
