package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.docker.RunningContainer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The log lines of the activations one container runs, one segment per activation. The runtime
 * protocol ends each activation's output with {@link #SENTINEL} on both stdout and stderr; a
 * segment is the lines before it, in OpenWhisk's form ({@code <RFC 3339 timestamp> stdout:
 * <text>}), ordered by time.
 *
 * <p>Contract: segments are handed out in the order {@link #next} was called, which is the order of
 * the runs (the proxy asks after each {@code /run} returned). Only meaningful for containers of
 * concurrency 1: with more, lines of concurrent activations interleave. Implementations are
 * thread-safe and never block the caller.
 */
public interface LogCollector extends AutoCloseable {
  String SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX";

  /** The next activation's lines; completes when both sentinels were written. */
  CompletableFuture<List<String>> next();

  /**
   * Gives up on a pending segment (its sentinels did not come in time): the segment, when it does
   * end, is dropped rather than given to the next activation.
   */
  void abandon(CompletableFuture<List<String>> pending);

  /** Stops collecting (the container is being removed); pending segments may never complete. */
  @Override
  void close();

  /**
   * Keeps the first lines that fit in {@code limitBytes}, as OpenWhisk does, with a note when some
   * were cut.
   */
  static List<String> truncate(List<String> lines, int limitBytes) {
    List<String> out = new ArrayList<>();
    int size = 0;
    for (String l : lines) {
      size += l.getBytes(StandardCharsets.UTF_8).length;
      if (size > limitBytes) {
        out.add(
            "Logs were truncated because the total bytes size exceeds the limit of "
                + limitBytes
                + " bytes.");
        break;
      }
      out.add(l);
    }
    return out;
  }

  /** Opens the collector of a started container; shared by every proxy of an invoker. */
  @FunctionalInterface
  interface Factory {
    /**
     * A collector for {@code container}'s output; {@code limitBytes} is the action's log limit,
     * which bounds what the collector holds of one segment (it may hold a little more, so that
     * truncation still notes the cut).
     */
    LogCollector open(RunningContainer container, int limitBytes);
  }
}
