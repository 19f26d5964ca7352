package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class KafkaReachabilityTest {
  private final AtomicLong clock = new AtomicLong();
  private final AtomicBoolean brokers = new AtomicBoolean(false);
  private final AtomicInteger probes = new AtomicInteger();
  private final KafkaReachability kafka =
      new KafkaReachability(
          () -> {
            probes.incrementAndGet();
            return brokers.get();
          },
          clock::get,
          Duration.ofSeconds(3));

  @Test
  void aDeliveryTimeoutRefusesNewWritesUntilTheProbeFindsTheBrokersAgain() {
    kafka.sending();
    kafka.completed(new CompletionException(new TimeoutException("Expiring 1 record(s)")));
    assertThat(kafka.admits()).isFalse();

    assertThat(kafka.probeIfUnreachable()).isFalse();
    brokers.set(true);
    assertThat(kafka.probeIfUnreachable()).isTrue();
    assertThat(kafka.admits()).isTrue();
  }

  @Test
  void writesThatStopBeingAcknowledgedRefuseNewOnesBeforeTheirDeliveryTimeout() {
    kafka.sending();
    clock.addAndGet(Duration.ofSeconds(3).toNanos());

    assertThat(kafka.admits()).isFalse();
    assertThat(kafka.probeIfUnreachable()).as("no broker answers").isFalse();
    kafka.completed(null); // a late acknowledgement
    assertThat(kafka.admits()).isTrue();
  }

  @Test
  void theProbeIsNotAskedWhileWritesAreAdmitted() {
    kafka.sending();
    kafka.completed(null);

    assertThat(kafka.probeIfUnreachable()).isTrue();
    assertThat(probes).hasValue(0);
  }

  @Test
  void aFullBufferMeansUnreachableButARecordTooLargeSaysNothingAboutKafka() {
    kafka.completed(new RecordTooLargeException("too large"));
    assertThat(kafka.admits()).isTrue();

    kafka.completed(new BufferExhaustedException("full"));
    assertThat(kafka.admits()).isFalse();
  }

  @Test
  void aProbeThatThrowsCountsAsNoBrokers() {
    KafkaReachability failing =
        new KafkaReachability(
            () -> {
              throw new IllegalStateException("admin closed");
            },
            clock::get,
            Duration.ofSeconds(3));
    failing.completed(new TimeoutException("away"));

    assertThat(failing.probeIfUnreachable()).isFalse();
  }
}
