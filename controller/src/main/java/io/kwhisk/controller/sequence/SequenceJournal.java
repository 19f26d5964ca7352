package io.kwhisk.controller.sequence;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the sequences a controller runs are noted while they run, so that a controller killed
 * mid-sequence gives each of them a record when it starts again ({@link SequenceRecovery}). A
 * sequence starts only once its note is durable; progress is best effort (a lost update only
 * shortens the logs of an interrupted record); the note goes only after the sequence's record was
 * written, so every accepted sequence ends with a record.
 */
public interface SequenceJournal {
  /**
   * Notes a sequence that starts; completes once the note is durable, fails if it could not be
   * written.
   */
  CompletionStage<Void> started(SequenceNote note);

  /** Rewrites the note of a running sequence after a component ended; best effort. */
  void progressed(SequenceNote note);

  /** The sequence's record was written: its note goes. */
  void ended(SequenceNote note);

  /** No journal: sequences are not recovered (tests of the runner alone). */
  SequenceJournal NONE =
      new SequenceJournal() {
        @Override
        public CompletionStage<Void> started(SequenceNote note) {
          return CompletableFuture.completedFuture(null);
        }

        @Override
        public void progressed(SequenceNote note) {}

        @Override
        public void ended(SequenceNote note) {}
      };
}
