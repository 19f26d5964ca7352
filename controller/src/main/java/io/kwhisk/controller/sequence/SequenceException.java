package io.kwhisk.controller.sequence;

/**
 * A sequence a client tried to write is not valid; the message is OpenWhisk's, fit for the client
 * (400).
 */
public final class SequenceException extends RuntimeException {
  public SequenceException(String message) {
    super(message, null, false, false);
  }
}
