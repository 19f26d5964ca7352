package io.kwhisk.controller.throttle;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A namespace's activations accepted by this controller and not completed yet, and how fast they complete. Request
 * and completion threads change the counters; the refresher thread replaces {@link #rate}.
 */
final class NamespaceLoad {
  final AtomicInteger outstanding = new AtomicInteger();
  final AtomicLong completed = new AtomicLong();
  volatile DrainRate rate = DrainRate.UNKNOWN;
}
