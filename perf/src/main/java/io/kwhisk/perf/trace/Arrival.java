package io.kwhisk.perf.trace;

/**
 * One scheduled invocation of a replay.
 *
 * @param offsetNanos when it is due, from the replay's start
 * @param function the index of its function in {@link ArrivalSchedule#functions()}
 * @param durationMs how long the action's body runs: its execution time, the slowdown's denominator
 * @param minute the trace minute it belongs to (0-based)
 */
public record Arrival(long offsetNanos, int function, int durationMs, int minute) {}
