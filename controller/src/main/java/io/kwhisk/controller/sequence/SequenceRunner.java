package io.kwhisk.controller.sequence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.log.ActivationMdc;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.KeyValue;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.auth.Identity;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sequences in the controller, as OpenWhisk does: each component is an ordinary activation
 * (admitted, on its own topic, run by its own containers) whose record carries the sequence's id as
 * {@code cause}; the result of one is the input of the next, merged over the next one's default
 * parameters; the first failure (or result with an {@code error} field) ends it. Nested sequences
 * run the same way, each with its own record. Each sequence's record (logs: the component
 * activation ids; annotations {@code topmost}, {@code path}, {@code kind: sequence}, {@code
 * causedBy} for a nested one, {@code limits}) is handed to {@link Records}, which makes it durable
 * and visible like any record and wakes a blocking caller.
 *
 * <p>Each sequence (nested ones too) is noted in the {@link SequenceJournal} before its first
 * component runs, and its note removed once its record was written: a controller killed
 * mid-sequence writes the records of those it did not finish when it starts again ({@link
 * SequenceRecovery}). A sequence whose note cannot be written does not run; it ends with a whisk
 * error record.
 *
 * <p>Never blocks (but {@link #awaitRunning}, at stop): every step continues on the completion of
 * the previous one. A component's wait is its timeout plus a minute (OpenWhisk's); a component that
 * did not answer in it ends the sequence with a whisk error.
 */
public final class SequenceRunner {
  private static final Logger log = LoggerFactory.getLogger(SequenceRunner.class);
  private static final Duration COMPONENT_GRACE = Duration.ofMinutes(1);

  /** How the runner reaches actions: resolution and one activation. */
  public interface Components {
    /**
     * The action a component names, as {@code who} may run it (its package's and binding's
     * parameters layered under its own); empty when it does not exist or {@code who} may not run
     * it.
     */
    Optional<Action> resolve(Identity who, FullyQualifiedName component);

    /**
     * Runs one activation of {@code action}, of id {@code activationId}, with {@code params} as its
     * final parameters; completes with its record, or with null when none came within {@code wait};
     * fails when it could not be started (a limit, no invoker, Kafka).
     */
    CompletionStage<ActivationRecord> run(
        Identity who,
        Action action,
        JsonNode params,
        String activationId,
        String cause,
        String transactionId,
        Duration wait);
  }

  /** Where sequence records go: the controller's completions topic, like any record. */
  public interface Records {
    /** Writes {@code record}; completes once it is durable, fails if it could not be written. */
    CompletionStage<?> publish(ActivationRecord record);
  }

  private final Components components;
  private final Records records;
  private final SequenceJournal journal;
  private final int controllerId;
  private final Clock clock;
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();

  /**
   * @param controllerId this controller's id, in the journal's notes: the controller that recovers
   *     them
   */
  public SequenceRunner(
      Components components,
      Records records,
      SequenceJournal journal,
      int controllerId,
      Clock clock) {
    this.components = components;
    this.records = records;
    this.journal = journal;
    this.controllerId = controllerId;
    this.clock = clock;
  }

  /**
   * Starts the topmost sequence {@code sequence} as activation {@code activationId}; its record is
   * published.
   */
  public CompletionStage<ActivationRecord> start(
      Identity who, Action sequence, JsonNode params, String activationId, String transactionId) {
    CompletableFuture<ActivationRecord> done =
        run(who, sequence, params, activationId, null, 0, transactionId)
            .thenApply(Outcome::record)
            .toCompletableFuture();
    running.add(done);
    done.whenComplete(
        (r, t) -> {
          running.remove(done);
          if (t == null) return;
          try (var mdc = ActivationMdc.put(activationId, sequence.fqn().path(), null)) {
            log.error("sequence {} failed without a record", activationId, t);
          }
        });
    return done;
  }

  /**
   * Waits up to {@code limit} for the sequences running now to end (and publish their records): a
   * stopping controller calls it once its API no longer takes requests, so that a sequence it
   * accepted is not cut short.
   */
  public void awaitRunning(Duration limit) throws InterruptedException {
    CompletableFuture<?>[] now = running.toArray(CompletableFuture<?>[]::new);
    if (now.length == 0) return;
    log.info("waiting for {} running sequences", now.length);
    try {
      CompletableFuture.allOf(now).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{} sequences still running at stop", running.size());
    }
  }

  private record Outcome(ActivationRecord record, int atomic) {}

  private CompletionStage<Outcome> run(
      Identity who,
      Action sequence,
      JsonNode params,
      String activationId,
      String cause,
      int atomicSoFar,
      String transactionId) {
    long start = clock.millis();
    List<FullyQualifiedName> names = new ArrayList<>();
    for (String c : sequence.exec().components())
      names.add(SequenceCheck.parse(who.namespace(), c));
    SequenceNote note =
        new SequenceNote(
            controllerId,
            activationId,
            who.namespace(),
            sequence.fqn().path(),
            sequence.version(),
            start,
            cause,
            List.of(),
            0);
    SequenceAccounting first = SequenceAccounting.start(atomicSoFar, params);
    CompletionStage<SequenceAccounting> ran =
        journal
            .started(note)
            .handle((ok, error) -> error)
            .thenCompose(
                error -> {
                  if (error == null)
                    return step(who, names, 0, first, activationId, transactionId, note);
                  log.warn(
                      "sequence {} not started: its note could not be written: {}",
                      activationId,
                      error.toString());
                  return CompletableFuture.completedFuture(
                      first.fail(SequenceAccounting.whiskError("Sequence failed."), null));
                });
    return ran.thenApply(
        done -> {
          ActivationRecord record =
              record(who, sequence, activationId, done, cause, start, clock.millis());
          records
              .publish(record)
              .whenComplete(
                  (m, error) -> {
                    // Kept when the record was not written: the next start of this controller
                    // writes one.
                    if (error == null) journal.ended(note);
                  });
          return new Outcome(record, done.atomic());
        });
  }

  private CompletionStage<SequenceAccounting> step(
      Identity who,
      List<FullyQualifiedName> names,
      int index,
      SequenceAccounting so,
      String sequenceId,
      String transactionId,
      SequenceNote note) {
    // Its end writes the record, then removes the note: no progress note before that, so a
    // sequence's last component costs one journal write (the tombstone), not two.
    if (index == names.size() || so.stop()) return CompletableFuture.completedFuture(so);
    if (index > 0) journal.progressed(note.progressed(so.logs(), so.duration()));
    if (so.atomic() >= SequenceCheck.MAX_ATOMIC) {
      return CompletableFuture.completedFuture(
          so.fail(SequenceAccounting.applicationError(SequenceCheck.TOO_LONG), null));
    }
    Optional<Action> found;
    try {
      found = components.resolve(who, names.get(index));
    } catch (RuntimeException e) {
      found = Optional.empty();
    }
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(
          so.fail(SequenceAccounting.applicationError(SequenceCheck.NOT_FOUND), null));
    }
    Action action = found.get();
    JsonNode input = so.nextInput();
    JsonNode params = input.isObject() ? merge(action.parameters(), (ObjectNode) input) : input;
    CompletionStage<SequenceAccounting> next;
    if (action.exec().isSequence()) {
      next =
          run(who, action, params, ActivationIds.next(), sequenceId, so.atomic(), transactionId)
              .thenApply(inner -> so.after(inner.record(), inner.atomic()));
    } else {
      String id = ActivationIds.next();
      Duration wait = Duration.ofMillis(action.limits().timeout()).plus(COMPONENT_GRACE);
      CompletionStage<ActivationRecord> ran;
      try {
        ran = components.run(who, action, params, id, sequenceId, transactionId, wait);
      } catch (RuntimeException e) {
        ran = CompletableFuture.failedFuture(e);
      }
      next =
          ran.handle(
              (record, error) -> {
                if (error != null) {
                  log.info(
                      "sequence {}: component {} could not run: {}",
                      sequenceId,
                      action.fqn(),
                      error.toString());
                  return so.fail(SequenceAccounting.whiskError("Sequence failed."), null);
                }
                if (record == null) {
                  return so.fail(
                      SequenceAccounting.whiskError(
                          "Timeout reached when retrieving activation "
                              + id
                              + " for sequence component."),
                      id);
                }
                return so.after(record, so.atomic() + 1);
              });
    }
    return next.thenCompose(
        after -> step(who, names, index + 1, after, sequenceId, transactionId, note));
  }

  private static ObjectNode merge(Map<String, JsonNode> defaults, ObjectNode given) {
    ObjectNode out = Json.object();
    defaults.forEach(out::set);
    given.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
    return out;
  }

  /**
   * The sequence's record, OpenWhisk's: the caller's namespace, the last response, the components'
   * ids as logs.
   */
  static ActivationRecord record(
      Identity who,
      Action sequence,
      String activationId,
      SequenceAccounting done,
      String cause,
      long start,
      long end) {
    List<KeyValue> annotations = annotations(sequence.fqn().path(), cause);
    if (done.maxMemory() != null) {
      ObjectNode limits = Json.object();
      limits.put("timeout", sequence.limits().timeout());
      limits.put("memory", done.maxMemory());
      limits.put("logs", sequence.limits().logs());
      annotations.add(new KeyValue("limits", limits));
    }
    String name = sequence.name().substring(sequence.name().lastIndexOf('/') + 1);
    return new ActivationRecord(
        who.namespace(),
        name,
        sequence.version(),
        who.namespace(),
        activationId,
        start,
        end,
        done.duration(),
        done.last().statusCode(),
        done.last(),
        done.logs(),
        annotations,
        false,
        cause);
  }

  /**
   * The annotations of every sequence record, OpenWhisk's: {@code topmost}, {@code path}, {@code
   * kind: sequence}, and {@code causedBy: sequence} for a nested one ({@code cause} not null). A
   * new list, to which a record may add more.
   */
  static List<KeyValue> annotations(String path, String cause) {
    boolean topmost = cause == null;
    List<KeyValue> annotations = new ArrayList<>();
    annotations.add(new KeyValue("topmost", BooleanNode.valueOf(topmost)));
    annotations.add(new KeyValue("path", TextNode.valueOf(path)));
    annotations.add(new KeyValue("kind", TextNode.valueOf("sequence")));
    if (!topmost) annotations.add(new KeyValue("causedBy", TextNode.valueOf("sequence")));
    return annotations;
  }
}
