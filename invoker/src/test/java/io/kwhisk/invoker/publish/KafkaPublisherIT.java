package io.kwhisk.invoker.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoker's completion writes never block their caller (a proxy's actor or pipeline thread),
 * even when Kafka is gone and the producer's buffer is full: writes beyond what the buffer can hold
 * fail at once, so the proxy releases their records for redelivery, instead of each blocking for
 * {@code max.block.ms} (30 s).
 */
class KafkaPublisherIT {
  @TempDir Path dir;

  @Test
  // A hang guard only (what is checked is that the writes beyond twice the buffer fail at once): on
  // this machine
  // the run takes 13 s or, now and then, ~78 s while the producer keeps reconnecting to the stopped
  // broker.
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void completionWritesReturnAtOnceAndFailWhenKafkaIsGoneAndTheBufferIsFull() throws Exception {
    EmbeddedKafka kafka = EmbeddedKafka.start(dir);
    int bufferBytes = 1024 * 1024;
    // Short blocking and delivery timeouts: the sends queued on the sender's own thread, and the
    // close, give up in
    // seconds once Kafka is gone (production: 30 s and 2 min), so the test's time is bounded by
    // what it checks.
    KafkaPublisher publisher =
        new KafkaPublisher(
            new KafkaSettings(
                kafka.bootstrapServers(),
                Map.of(
                    "buffer.memory",
                    String.valueOf(bufferBytes),
                    "max.block.ms",
                    "2000",
                    "request.timeout.ms",
                    "2000",
                    "delivery.timeout.ms",
                    "3000")),
            5);
    try {
      publisher
          .completion(0, completion("first", 10))
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      kafka.close();

      // 40 completions of 100 KB: four times the buffer. A send that blocked on the full buffer
      // would hold this
      // thread for max.block.ms (30 s) each, and the test's timeout would end it.
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        writes.add(publisher.completion(0, completion("a" + i, 100_000)).toCompletableFuture());
      }
      long failedAtOnce =
          writes.stream().filter(CompletableFuture::isCompletedExceptionally).count();
      assertThat(writes).hasSize(40);
      assertThat(failedAtOnce)
          .as("writes beyond twice the buffer fail at once")
          .isGreaterThanOrEqualTo(15);
    } finally {
      publisher.close();
    }
  }

  private static CompletionMessage completion(String id, int resultBytes) {
    ActivationRecord record =
        new ActivationRecord(
            "guest",
            "a",
            "0.0.1",
            "guest",
            id,
            0,
            1,
            1,
            0,
            ActivationResponse.success(Json.object().put("pad", "x".repeat(resultBytes))),
            List.of(),
            List.of(),
            false);
    return new CompletionMessage(id, 5, "c", record);
  }
}
