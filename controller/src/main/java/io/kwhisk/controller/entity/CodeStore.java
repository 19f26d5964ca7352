package io.kwhisk.controller.entity;

import io.kwhisk.common.code.CodeChunks;
import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.code.CodeRef;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Action code too large for a Kafka record (zip and jar actions with their dependencies, up to
 * OpenWhisk's 48 MB) goes to {@link Topics#CODE} in chunks before its action is written; the
 * action's entity, and every container creation made from it, carries only a {@link CodeRef}.
 * Invokers read the chunks when they initialise a container (never per activation); {@code GET}
 * reads them back here. At most {@link #IN_FLIGHT} chunks of an upload are unacknowledged at once
 * (48 MB sent at once would overflow the producer's 32 MB buffer and fail). Thread-safe; nothing
 * blocks.
 */
public final class CodeStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodeStore.class);

  /** Chunks of one upload sent and not yet acknowledged, at most: 4 MB of the producer's buffer. */
  static final int IN_FLIGHT = 8;

  private final RecordSender publisher;
  private final CodeReader reader;

  public CodeStore(RecordSender publisher, CodeReader reader) {
    this.publisher = Objects.requireNonNull(publisher, "publisher should not be null");
    this.reader = Objects.requireNonNull(reader, "reader should not be null");
  }

  /**
   * The action as it is to be stored: with its code out of line (written and acknowledged when this
   * completes) if the code is larger than {@link CodeChunks#INLINE_MAX_BYTES}, else unchanged. The
   * upload is named by the action's revision, new on every write.
   */
  public CompletionStage<Action> store(Action action) {
    String code = action.exec().code();
    if (code == null || code.length() <= CodeChunks.INLINE_MAX_BYTES / 3)
      return CompletableFuture.completedFuture(action);
    byte[] bytes = code.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= CodeChunks.INLINE_MAX_BYTES)
      return CompletableFuture.completedFuture(action);
    String digest = CodeChunks.digest(bytes);
    List<byte[]> chunks = CodeChunks.split(bytes);
    List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      String key = CodeChunks.key(digest, action.revision(), i);
      byte[] chunk = chunks.get(i);
      CompletableFuture<?> gate =
          i < IN_FLIGHT ? CompletableFuture.completedFuture(null) : acks.get(i - IN_FLIGHT);
      acks.add(gate.thenCompose(v -> publisher.send(Topics.CODE, key, chunk)));
    }
    return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<Long> offsets = acks.stream().map(a -> a.join().offset()).toList();
              return action.withExec(
                  action
                      .exec()
                      .withCodeRef(new CodeRef(digest, bytes.length, action.revision(), offsets)));
            });
  }

  /** The action with its code inline: read back when it is stored out of line. */
  public CompletionStage<Action> inline(Action action) {
    CodeRef ref = action.exec().codeRef();
    if (ref == null) return CompletableFuture.completedFuture(action);
    return reader.read(ref).thenApply(code -> action.withExec(action.exec().withCode(code)));
  }

  /**
   * Lets compaction remove the chunks of {@code old}'s code unless {@code now} (the action written
   * in its place, null after a delete) still names them: one tombstone per chunk. Best effort: a
   * tombstone that could not be written leaves its chunk in the topic.
   */
  public void discard(Action old, Action now) {
    CodeRef ref = old.exec().codeRef();
    if (ref == null || (now != null && ref.equals(now.exec().codeRef()))) return;
    for (int i = 0; i < ref.offsets().size(); i++) {
      publisher
          .send(Topics.CODE, CodeChunks.key(ref, i), null)
          .whenComplete(
              (meta, e) -> {
                if (e != null)
                  log.warn("a chunk of code {} was not discarded: {}", ref.digest(), e.toString());
              });
    }
  }

  @Override
  public void close() {
    reader.close();
  }
}
