package io.kwhisk.controller.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.code.CodeRef;
import io.kwhisk.common.code.CodeUnavailableException;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.controller.kafka.Producers;
import io.kwhisk.controller.kafka.TopicAdmin;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Code stored out of line on a real broker: written in chunks, read back by offset, checked. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodeStoreIT {
  static EmbeddedKafka kafka;
  static TopicAdmin topics;
  static RecordSender sender;
  static CodeStore store;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory("kwhisk-code-it").resolve("kafka"));
    KafkaSettings settings = KafkaSettings.of(kafka.bootstrapServers());
    topics = new TopicAdmin(settings, "code-it-admin", (short) 1);
    topics.ensureSystemTopics(0);
    sender = new RecordSender(Producers.create(settings, "code-it"), "code-it");
    store = new CodeStore(sender, new CodeReader(settings, "code-it-reader"));
  }

  @AfterAll
  static void stop() {
    if (store != null) store.close();
    if (sender != null) sender.close();
    if (topics != null) topics.close();
    if (kafka != null) kafka.close();
  }

  @Test
  void uploadsWrittenAtOnceInterleaveAndEachReadsBackWholeWhileSmallCodeStaysInline()
      throws Exception {
    List<Action> actions = new ArrayList<>();
    for (int i = 0; i < 3; i++) actions.add(action("a" + i, code(700_000 + i * 400_000, i)));
    List<CompletableFuture<Action>> stored = new ArrayList<>();
    for (Action a : actions) stored.add(store.store(a).toCompletableFuture());
    for (int i = 0; i < actions.size(); i++) {
      Action s = stored.get(i).get(60, TimeUnit.SECONDS);
      assertThat(s.exec().code()).isNull();
      assertThat(s.exec().codeRef().size()).isEqualTo(actions.get(i).exec().code().length());
      assertThat(store.inline(s).toCompletableFuture().get(60, TimeUnit.SECONDS).exec().code())
          .isEqualTo(actions.get(i).exec().code());
    }
    Action small = action("small", "function main() { return {}; }");
    assertThat(store.store(small).toCompletableFuture().get(10, TimeUnit.SECONDS)).isSameAs(small);
  }

  @Test
  void aChunkThatIsNotAtItsOffsetAnyMoreMakesTheCodeUnavailable() throws Exception {
    Action first =
        store
            .store(action("first", code(600_000, 7)))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    Action second =
        store
            .store(action("second", code(600_000, 8)))
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    CodeRef ref = first.exec().codeRef();
    // As after compaction: the offset of chunk 1 now holds another upload's record.
    CodeRef moved =
        new CodeRef(
            ref.digest(),
            ref.size(),
            ref.upload(),
            List.of(ref.offsets().get(0), second.exec().codeRef().offsets().get(0)));
    Action broken = first.withExec(first.exec().withCodeRef(moved));
    assertThatThrownBy(() -> store.inline(broken).toCompletableFuture().get(60, TimeUnit.SECONDS))
        .hasCauseInstanceOf(CodeUnavailableException.class)
        .hasMessageContaining("is gone");
    assertThat(store.inline(second).toCompletableFuture().get(60, TimeUnit.SECONDS).exec().code())
        .as("the reader recovers for the next read")
        .hasSize(600_000);
  }

  private static String code(int chars, long seed) {
    Random random = new Random(seed);
    StringBuilder b = new StringBuilder(chars);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < chars; i++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return b.toString();
  }

  private static Action action(String name, String code) {
    return new Action(
        "guest",
        name,
        "rev-" + name,
        null,
        new Exec("nodejs:20", code, null, true, null),
        Map.of(),
        Map.of(),
        ActionLimits.DEFAULT,
        0,
        false,
        1L);
  }
}
