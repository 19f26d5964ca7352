package io.kwhisk.invoker;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Activation records carry their own log lines whichever source the invoker reads them from: the
 * container's json log file (the default when readable, forced here with {@code file}, which never
 * opens a stream) or Docker's followed stream. Real broker, real Docker, the Node.js runtime.
 */
class LogSourceIT {
  /** Ids no other test uses, so start-up clean-up never touches their containers. */
  private static final int FILE_INVOKER = 61;

  private static final int STREAM_INVOKER = 62;
  private static final int LOUD_FILE_INVOKER = 64;
  private static final int LOUD_STREAM_INVOKER = 65;

  private static ControllerDouble controller;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
  }

  @AfterAll
  static void stop() throws Exception {
    ControllerDouble.shutDown(
        null, controller, FILE_INVOKER, STREAM_INVOKER, LOUD_FILE_INVOKER, LOUD_STREAM_INVOKER);
  }

  @ParameterizedTest(name = "log-source={0}")
  @ValueSource(strings = {"file", "stream"})
  @Timeout(120)
  void eachRecordCarriesItsOwnLinesFromBothStreamsAndALoudOneIsCutToWhatARecordCarries(
      String source) throws Exception {
    int id = source.equals("file") ? FILE_INVOKER : STREAM_INVOKER;
    Map<String, String> config =
        new HashMap<>(
            Map.of(
                "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
                "kwhisk.invoker.id", Integer.toString(id),
                "kwhisk.invoker.keep-alive", "60s",
                "kwhisk.invoker.prefetch", "1",
                "kwhisk.invoker.heartbeat-interval", "500ms",
                "kwhisk.invoker.pause-grace", "0",
                "kwhisk.invoker.log-source", source));
    try (Invoker invoker = Invoker.start(InvokerConfig.from(ConfigSource.of(config)))) {
      Action action =
          controller.action(
              "logs-" + source + "-" + UUID.randomUUID().toString().substring(0, 8),
              10_000,
              256,
              "function main(p) { console.log('out ' + p.n); console.error('err ' + p.n);"
                  + " if (p.loud) for (let i = 0; i < 15000; i++) console.log('loud line ' + i + ' ' + 'x'.repeat(40));"
                  + " return {}; }");
      controller.createContainer(id, action);
      for (int n = 0; n < 3; n++) {
        int k = n;
        CompletionMessage done = controller.invoke(action, Json.object().put("n", k));
        List<String> logs = controller.awaitRecord(done.activationId()).logs();
        // Docker stamps each stream as it copies it: stdout and stderr lines written back to back
        // may swap.
        assertThat(logs)
            .hasSize(2)
            .anySatisfy(
                l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z stdout: out " + k))
            .anySatisfy(
                l -> assertThat(l).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z stderr: err " + k));
      }
      CompletionMessage loud =
          controller.invoke(action, Json.object().put("n", 9).put("loud", true));
      ActivationRecord record = controller.awaitRecord(loud.activationId());
      assertThat(record.logs()).anySatisfy(l -> assertThat(l).endsWith("stdout: out 9"));
      assertThat(record.logs().get(record.logs().size() - 1)).startsWith("Logs were truncated");
      assertThat(String.join("\n", record.logs()).length())
          .as("cut to what one Kafka record carries")
          .isGreaterThan(900 * 1024)
          .isLessThan(1024 * 1024);
      CompletionMessage after = controller.invoke(action, Json.object().put("n", 10));
      assertThat(controller.awaitRecord(after.activationId()).logs())
          .as("the next record starts after the loud one")
          .hasSize(2)
          .anySatisfy(l -> assertThat(l).endsWith("stderr: err 10"));

      assertThat(
              invoker
                  .metrics()
                  .registry()
                  .get(InvokerMetrics.LOG_SOURCES)
                  .tag("source", source)
                  .counter()
                  .count())
          .isEqualTo(1);
      if (source.equals("file")) {
        assertThat(
                invoker.metrics().registry().get(InvokerMetrics.LOG_FILE_READS).counter().count())
            .isGreaterThanOrEqualTo(5);
      }
    }
  }

  @ParameterizedTest(name = "log-source={0}")
  @ValueSource(strings = {"file", "stream"})
  @Timeout(240)
  void
      anActionWritingAHundredMegabytesGetsItsRecordWithATruncationNoticeWhileTheCollectorHoldsAFewTimesItsLimit(
          String source) throws Exception {
    int id = source.equals("file") ? LOUD_FILE_INVOKER : LOUD_STREAM_INVOKER;
    Map<String, String> config =
        Map.of(
            "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
            "kwhisk.invoker.id", Integer.toString(id),
            "kwhisk.invoker.keep-alive", "60s",
            "kwhisk.invoker.prefetch", "1",
            "kwhisk.invoker.pause-grace", "0",
            // Docker copies 100 MB into its log before the sentinels, and the reader goes through
            // all of it to them.
            "kwhisk.invoker.log-collection-timeout", "90s",
            "kwhisk.invoker.log-source", source);
    try (Invoker invoker = Invoker.start(InvokerConfig.from(ConfigSource.of(config)))) {
      // 50 MB in lines of 1 MB, then 50 MB in one line without a newline (the runtime's sentinel
      // ends it).
      Action action =
          controller.action(
              "loud-" + source + "-" + UUID.randomUUID().toString().substring(0, 8),
              new Exec(
                  "nodejs:20",
                  "function main(p) { console.log('first ' + p.n);"
                      + " const mb = 'y'.repeat(1024 * 1024 - 1);"
                      + " if (p.loud) { for (let i = 0; i < 50; i++) process.stdout.write(mb + '\\n');"
                      + " for (let i = 0; i < 50; i++) process.stdout.write(mb); }"
                      + " return {}; }",
                  null,
                  false,
                  null),
              Map.of(),
              new ActionLimits(120_000, 256, 1, 1));
      controller.createContainer(id, action);
      CompletionMessage loud =
          controller.invoke(action, Json.object().put("n", 1).put("loud", true));
      ActivationRecord record = controller.awaitRecord(loud.activationId());
      assertThat(record.logs()).isNotEmpty();
      assertThat(record.logs().get(0)).endsWith("stdout: first 1");
      assertThat(record.logs().get(record.logs().size() - 1)).startsWith("Logs were truncated");
      assertThat(String.join("\n", record.logs()).length()).isLessThanOrEqualTo(1024 * 1024 + 200);
      DistributionSummary held =
          invoker.metrics().registry().get(InvokerMetrics.LOG_HELD).summary();
      assertThat(held.max())
          .as("characters one collector held at its peak (limit 1 MB)")
          .isGreaterThan(1024 * 1024)
          .isLessThan(5 * 1024 * 1024);

      if (source.equals("file")) {
        // Known gap of the stream source: the engine's followed stream of a json-file log that
        // rotated during the
        // 100 MB (Docker 20.10) was seen to hand the next record leftover output; the file reader
        // follows rotation.
        CompletionMessage after = controller.invoke(action, Json.object().put("n", 2));
        assertThat(controller.awaitRecord(after.activationId()).logs())
            .as("the next record starts after the loud one")
            .singleElement()
            .satisfies(l -> assertThat(l).endsWith("stdout: first 2"));
      }
      controller.deleteContainers(id, action);
    }
  }
}
