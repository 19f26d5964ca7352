package io.kwhisk.controller.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.KeyValue;
import io.kwhisk.controller.auth.Identity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner's journal writes and record, with components that answer at once. */
@Timeout(10)
class SequenceRunnerTest {
  final Identity who = new Identity("guest", "uuid");
  final List<String> journal = new ArrayList<>();
  final List<ActivationRecord> published = new ArrayList<>();

  final SequenceJournal recording =
      new SequenceJournal() {
        @Override
        public CompletionStage<Void> started(SequenceNote note) {
          journal.add("started " + note.components());
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void progressed(SequenceNote note) {
          journal.add("progressed " + note.components());
        }

        @Override
        public void ended(SequenceNote note) {
          journal.add("ended");
        }
      };

  final SequenceRunner.Components components =
      new SequenceRunner.Components() {
        @Override
        public Optional<Action> resolve(
            Identity who, io.kwhisk.common.entity.FullyQualifiedName component) {
          return Optional.of(
              action(component.name(), new Exec("nodejs:20", "x", null, false, null)));
        }

        @Override
        public CompletionStage<ActivationRecord> run(
            Identity who,
            Action action,
            com.fasterxml.jackson.databind.JsonNode params,
            String activationId,
            String cause,
            String transactionId,
            java.time.Duration wait) {
          ActivationResponse response =
              action.name().startsWith("fail")
                  ? ActivationResponse.applicationError(Json.object().put("error", "no"))
                  : ActivationResponse.success(Json.object());
          return CompletableFuture.completedFuture(
              new ActivationRecord(
                  "guest",
                  action.name(),
                  "0.0.1",
                  "guest",
                  activationId,
                  0,
                  1,
                  1,
                  response.statusCode(),
                  response,
                  List.of(),
                  List.of(),
                  false,
                  cause));
        }
      };

  final SequenceRunner runner =
      new SequenceRunner(
          components,
          record -> {
            published.add(record);
            return CompletableFuture.completedFuture(null);
          },
          recording,
          0,
          Clock.systemUTC());

  static Action action(String name, Exec exec) {
    return new Action("guest", name, "r", null, exec, null, null, null, 0, false, 0);
  }

  ActivationRecord run(String... components) throws Exception {
    return runner
        .start(
            who, action("seq", Exec.sequence(List.of(components))), Json.object(), "seq-id", "tid")
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSequenceNotesItsProgressBetweenComponentsButNotAfterItsLastOne() throws Exception {
    ActivationRecord record = run("/guest/a", "/guest/b", "/guest/c");
    assertThat(record.logs()).hasSize(3);
    assertThat(journal)
        .as("the last component is followed by the record and the note's removal only")
        .hasSize(4)
        .startsWith("started []")
        .endsWith("ended");
    assertThat(journal.get(1)).startsWith("progressed [").doesNotContain(",");
    assertThat(journal.get(2)).startsWith("progressed [").contains(",");
  }

  @Test
  void aSequenceStoppedByAFailingComponentWritesNoProgressAfterIt() throws Exception {
    ActivationRecord record = run("/guest/a", "/guest/fail", "/guest/never");
    assertThat(record.logs()).hasSize(2);
    assertThat(journal).hasSize(3).startsWith("started []").endsWith("ended");
  }

  @Test
  void theRecordsAnnotationsAndTheInterruptedRecordsAreTheSame() throws Exception {
    ActivationRecord record = run("/guest/a");
    SequenceNote note =
        new SequenceNote(0, "seq-id", "guest", "guest/seq", "0.0.1", 0, null, List.of(), 0);
    assertThat(names(note.interruptedRecord(1).annotations()))
        .as("a finished record adds only the limits")
        .containsExactlyElementsOf(
            names(record.annotations()).stream().filter(n -> !n.startsWith("limits=")).toList())
        .contains("kind=\"sequence\"", "topmost=true", "path=\"guest/seq\"");
  }

  static List<String> names(List<KeyValue> annotations) {
    return annotations.stream().map(kv -> kv.key() + "=" + kv.value()).toList();
  }
}
