package io.kwhisk.controller.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FireRateTest {
  final AtomicLong now = new AtomicLong(60_000L * 1000 + 15_000);
  final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(now.get());
        }
      };

  @Test
  void aNamespaceMayFireItsLimitInAMinuteAndIsToldWhenTheMinuteTurns() {
    FireRate rate = new FireRate(2, clock);
    assertThat(rate.tryFire("a")).isEmpty();
    assertThat(rate.tryFire("a")).isEmpty();
    assertThat(rate.tryFire("a")).hasValue(45);
    assertThat(rate.tryFire("b")).as("another namespace has its own count").isEmpty();
    now.addAndGet(45_000);
    assertThat(rate.tryFire("a")).as("a new minute").isEmpty();
  }

  @Test
  void zeroMeansNoLimit() {
    FireRate rate = new FireRate(0, clock);
    for (int i = 0; i < 1000; i++) assertThat(rate.tryFire("a")).isEmpty();
  }
}
