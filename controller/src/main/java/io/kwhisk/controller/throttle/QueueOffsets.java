package io.kwhisk.controller.throttle;

/**
 * One action queue as Kafka reports it: the end offset of its topic and the lag of its share group (records not yet
 * acknowledged: queued or being run). {@code endOffset - lag} only grows while the topic lives, so its growth is what
 * the action drained.
 */
public record QueueOffsets(long endOffset, long lag) {
  public QueueOffsets {
    if (lag < 0) throw new IllegalArgumentException("lag must not be negative, got " + lag);
  }
}
