package io.kwhisk.perf.client;

import java.io.IOException;

/**
 * Blocking invokes of noop actions with no parameters, one at a time: what one virtual user (or one
 * open-loop worker) holds. Not thread-safe; {@link InvokeClient} hands one to each thread.
 */
public interface InvokeConnection extends AutoCloseable {
  /** A blocking invoke of {@code action}; throws on a connection failure or a client timeout. */
  HttpAnswer invoke(String action) throws IOException, InterruptedException;

  @Override
  void close();
}
