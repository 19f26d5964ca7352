package io.kwhisk.controller.throttle;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
final class ManualClock extends Clock {
  final AtomicLong now = new AtomicLong(1_000_000);

  void advance(long millis) {
    now.addAndGet(millis);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(now.get());
  }

  @Override
  public long millis() {
    return now.get();
  }
}
