package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which controller finishes a drain whose controller stopped noting it. */
@Timeout(10)
class QueueDrainAdoptionTest {
  private static final Action ACTION =
      new Action(
          "guest",
          "gone",
          "r",
          null,
          new Exec("nodejs:20", null, null, false, null),
          null,
          null,
          null,
          0,
          false,
          0);
  private static final long NOTED = 1_000_000L;
  private static final long STALE = QueueDrain.STALE.toMillis();
  private static final DrainJournal.Note NOTE = new DrainJournal.Note(ACTION, 0, NOTED);

  @Test
  void theOwnerAdoptsADrainWhoseLastNoteIsStale() {
    assertThat(QueueDrain.adopts(NOTE, NOTED + STALE, true, false)).isTrue();
    assertThat(QueueDrain.adopts(NOTE, NOTED + 10 * STALE, true, false)).isTrue();
  }

  @Test
  void nobodyAdoptsADrainNotedLately() {
    assertThat(QueueDrain.adopts(NOTE, NOTED + STALE - 1, true, false)).isFalse();
    assertThat(QueueDrain.adopts(NOTE, NOTED + QueueDrain.NOTE_EVERY.toMillis(), true, false))
        .isFalse();
  }

  @Test
  void aControllerThatDoesNotOwnTheActionNeverAdoptsItsDrain() {
    assertThat(QueueDrain.adopts(NOTE, NOTED + 10 * STALE, false, false)).isFalse();
  }

  @Test
  void aControllerDoesNotAdoptADrainItHoldsAlready() {
    assertThat(QueueDrain.adopts(NOTE, NOTED + 10 * STALE, true, true)).isFalse();
  }

  @Test
  void aLiveControllerNotesMoreOftenThanANoteGoesStale() {
    assertThat(QueueDrain.NOTE_EVERY.multipliedBy(2)).isLessThan(QueueDrain.STALE);
  }

  @Test
  void aNoteOfTheFirstFormatIsDatedByItsRecord() {
    ConsumerRecord<String, byte[]> legacy =
        new ConsumerRecord<>(
            "drains",
            0,
            0,
            NOTED,
            TimestampType.CREATE_TIME,
            0,
            0,
            "guest/gone",
            Json.encode(ACTION),
            new RecordHeaders(),
            Optional.empty());
    DrainJournal.Note note = DrainJournal.decode(legacy);
    assertThat(note.action().fqn()).isEqualTo(ACTION.fqn());
    assertThat(note.notedAt()).isEqualTo(NOTED);
    assertThat(note.controller()).isEqualTo(-1);
  }

  @Test
  void aNoteReadsBackAsWritten() {
    ConsumerRecord<String, byte[]> r =
        new ConsumerRecord<>("drains", 0, 0, "guest/gone", Json.encode(NOTE));
    assertThat(DrainJournal.decode(r)).isEqualTo(NOTE);
  }
}
