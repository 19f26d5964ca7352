package io.kwhisk.controller.activation;

import static io.kwhisk.controller.activation.MemoryActivationStoreTest.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.controller.activation.ActivationStore.Position;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The RocksDB store on a real database in a temporary directory. */
@Timeout(60)
class RocksActivationStoreTest {
  @TempDir Path dir;
  final MovableClock clock = new MovableClock(1_000_000_000L);
  RocksActivationStore store;

  @BeforeEach
  void open() {
    store = reopen();
  }

  @AfterEach
  void close() {
    store.close();
  }

  RocksActivationStore reopen() {
    return RocksActivationStore.openUnswept(settings(Duration.ofHours(1)), clock);
  }

  ActivationStoreSettings settings(Duration retention) {
    return new ActivationStoreSettings(
        ActivationStoreSettings.Kind.ROCKSDB,
        dir.resolve("store"),
        retention,
        10,
        8L << 20,
        2L << 20,
        java.util.Optional.empty(),
        Duration.ofSeconds(10));
  }

  /** A record that started at {@code start} and ended a millisecond later. */
  ActivationRecord at(String ns, String name, String id, long start) {
    return record(ns, name, id, start);
  }

  static byte[] message(ActivationRecord r) {
    return Json.encode(new CompletionMessage(r.activationId(), 3, "c", r));
  }

  boolean put(ActivationRecord r) {
    return store.put(r, message(r), null);
  }

  @Test
  void listKeysOfLaterStartsSortBeforeEarlierOnes() {
    byte[] prefix = ActivationKeys.listPrefix("guest", "a");
    byte[] later = ActivationKeys.listKey(prefix, 200, "x");
    byte[] earlier = ActivationKeys.listKey(prefix, 100, "y");
    assertThat(java.util.Arrays.compareUnsigned(later, earlier)).isNegative();
    assertThat(ActivationKeys.listStart(prefix, later)).isEqualTo(200);
    assertThat(ActivationKeys.listId(prefix, later)).isEqualTo("x");
  }

  @Test
  void aNamespacesPrefixDoesNotCoverALongerNamespace() {
    byte[] a = ActivationKeys.listPrefix("a", null);
    byte[] keyOfAb = ActivationKeys.listKey(ActivationKeys.listPrefix("ab", null), 1, "x");
    assertThat(java.util.Arrays.compareUnsigned(keyOfAb, ActivationKeys.after(a))).isPositive();
    byte[] name = ActivationKeys.listPrefix("guest", "act");
    byte[] keyOfLonger =
        ActivationKeys.listKey(ActivationKeys.listPrefix("guest", "action"), 1, "x");
    assertThat(java.util.Arrays.compareUnsigned(keyOfLonger, ActivationKeys.after(name)))
        .isPositive();
  }

  @Test
  void anExpiryEntryNamesTheRecordAndBothListKeys() {
    byte[][] named =
        ActivationKeys.named(
            ActivationKeys.byEnd(500, "id1"), ActivationKeys.byEndValue(400, "ns", "pkg/act"));
    assertThat(named[0]).isEqualTo(ActivationKeys.record("ns", "id1"));
    assertThat(named[1])
        .isEqualTo(ActivationKeys.listKey(ActivationKeys.listPrefix("ns", "pkg/act"), 400, "id1"));
    assertThat(named[2])
        .isEqualTo(ActivationKeys.listKey(ActivationKeys.listPrefix("ns", null), 400, "id1"));
  }

  @Test
  void listsNewestFirstWithinTheNamespaceAndByNameWithSkipLimitAndCount() {
    long t = clock.millis();
    put(at("guest", "a", "1", t + 100));
    put(at("guest", "b", "2", t + 300));
    put(at("guest", "a", "3", t + 200));
    put(at("other", "a", "4", t + 400));
    put(at("guestx", "a", "5", t + 500));
    assertThat(ids(store.list("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, 0, 10)))
        .containsExactly("2", "3", "1");
    assertThat(ids(store.list("guest", "a", Long.MIN_VALUE, Long.MAX_VALUE, 0, 10)))
        .containsExactly("3", "1");
    assertThat(ids(store.list("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, 1, 1)))
        .containsExactly("3");
    assertThat(store.count("guest", null, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(3);
    assertThat(store.count("guest", "a", Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(2);
  }

  @Test
  void aCountOfSomeTopicsCountsTheRecordsReadFromThemAndThoseReadFromNone() {
    long t = clock.millis();
    ActivationRecord own = at("guest", "a", "1", t + 100);
    ActivationRecord adopted = at("guest", "a", "2", t + 200);
    ActivationRecord givenBack = at("guest", "b", "3", t + 300);
    store.put(own, message(own), new Position("completed1", 0, 1));
    store.put(adopted, message(adopted), new Position("completed2", 0, 1));
    store.put(givenBack, message(givenBack), new Position("completed0", 0, 1));
    put(at("guest", "a", "4", t + 400));

    Predicate<String> kept = topic -> !topic.equals("completed0");
    assertThat(store.count("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, kept)).isEqualTo(3);
    assertThat(store.count("guest", "b", Long.MIN_VALUE, Long.MAX_VALUE, kept)).isZero();
    assertThat(store.count("guest", null, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(4);
    assertThat(store.list("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, 0, 10))
        .as("lists show every record kept: the merge keeps each once")
        .hasSize(4);
  }

  @Test
  void sinceAndUptoKeepOnlyActivationsThatStartedBetweenThemInclusive() {
    long t = clock.millis();
    put(at("guest", "a", "1", t + 100));
    put(at("guest", "a", "2", t + 200));
    put(at("guest", "a", "3", t + 300));
    assertThat(ids(store.list("guest", null, t + 200, Long.MAX_VALUE, 0, 10)))
        .containsExactly("3", "2");
    assertThat(ids(store.list("guest", "a", Long.MIN_VALUE, t + 200, 0, 10)))
        .containsExactly("2", "1");
    assertThat(ids(store.list("guest", null, t + 150, t + 250, 0, 10))).containsExactly("2");
    assertThat(store.count("guest", null, t + 150, t + 250)).isEqualTo(1);
  }

  @Test
  void anotherNamespacesActivationIsNotFound() {
    put(at("other", "a", "4", clock.millis()));
    assertThat(store.get("guest", "4")).isEmpty();
    assertThat(store.get("other", "4")).isPresent();
  }

  @Test
  void theFirstRecordOfAnActivationWinsAndItsBytesAreKeptAsWritten() {
    ActivationRecord first = at("guest", "a", "1", clock.millis());
    ActivationRecord second =
        new ActivationRecord(
            "guest",
            "a",
            "0.0.2",
            "guest",
            "1",
            first.start() + 50,
            first.start() + 60,
            10,
            0,
            ActivationResponse.success(null),
            List.of("again"),
            List.of(),
            false);
    assertThat(store.put(first, message(first), new Position("completed0", 0, 1))).isTrue();
    assertThat(store.put(second, message(second), new Position("completed0", 0, 2))).isFalse();
    assertThat(store.get("guest", "1")).contains(first);
    assertThat(store.list("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, 0, 10)).hasSize(1);
    assertThat(store.resumeAt("completed0", 0)).isEqualTo(OptionalLong.of(2));
    assertThat(store.stored()).isEqualTo(1);
    assertThat(store.dropped()).isEqualTo(1);
  }

  @Test
  void aReopenedStoreResumesAtTheOffsetsItWroteAndStillDropsADuplicate() {
    ActivationRecord first = at("guest", "a", "1", clock.millis());
    store.put(first, message(first), new Position("completed0", 0, 41));
    store.put(
        at("guest", "a", "2", clock.millis()), message(first), new Position("completed1", 3, 7));
    store.close();
    store = reopen();
    assertThat(store.resumeAt("completed0", 0)).isEqualTo(OptionalLong.of(41));
    assertThat(store.resumeAt("completed1", 3)).isEqualTo(OptionalLong.of(7));
    assertThat(store.resumeAt("completed1", 0)).isEmpty();
    assertThat(store.get("guest", "1")).contains(first);
    ActivationRecord duplicate = at("guest", "b", "1", clock.millis() + 5);
    assertThat(store.put(duplicate, message(duplicate), new Position("completed0", 0, 42)))
        .isFalse();
    assertThat(store.get("guest", "1")).contains(first);
    assertThat(store.resumeAt("completed0", 0)).isEqualTo(OptionalLong.of(42));
  }

  @Test
  void retentionDeletesRecordsThatEndedBeforeTheCutOffWithTheirListKeys() {
    long t = clock.millis();
    put(at("guest", "a", "old", t));
    clock.advance(Duration.ofMinutes(40));
    put(at("guest", "a", "new", clock.millis()));
    clock.advance(Duration.ofMinutes(30)); // "old" ended 70 min ago, "new" 30 min ago
    assertThat(store.sweep()).isEqualTo(1);
    assertThat(store.get("guest", "old")).isEmpty();
    assertThat(store.get("guest", "new")).isPresent();
    assertThat(ids(store.list("guest", null, Long.MIN_VALUE, Long.MAX_VALUE, 0, 10)))
        .containsExactly("new");
    assertThat(store.count("guest", "a", Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(1);
    assertThat(store.sweep()).isZero();
  }

  @Test
  void retentionDeletesMoreRecordsThanOneBatch() {
    int n = RocksActivationStore.SWEEP_BATCH * 2 + 7;
    for (int i = 0; i < n; i++) put(at("guest", "a", "id" + i, clock.millis() + i));
    clock.advance(Duration.ofHours(2));
    assertThat(store.sweep()).isEqualTo(n);
    assertThat(store.count("guest", null, Long.MIN_VALUE, Long.MAX_VALUE)).isZero();
  }

  @Test
  void aRecordThatEndedBeyondRetentionIsNotKeptButItsOffsetIs() {
    ActivationRecord stale = at("guest", "a", "1", clock.millis() - Duration.ofHours(2).toMillis());
    assertThat(store.put(stale, message(stale), new Position("completed0", 0, 9))).isFalse();
    assertThat(store.get("guest", "1")).isEmpty();
    assertThat(store.resumeAt("completed0", 0)).isEqualTo(OptionalLong.of(9));
  }

  @Test
  void aClosedStoreRefusesCallsInsteadOfCrashing() {
    store.close();
    assertThatThrownBy(() -> store.get("guest", "1")).isInstanceOf(IllegalStateException.class);
    store.close(); // twice is fine
    store = reopen();
  }

  @Test
  void aSecondStoreOnTheSameDirectoryFailsNamingTheKey() {
    assertThatThrownBy(this::reopen)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ActivationStoreSettings.PATH);
  }

  static List<String> ids(List<ActivationRecord> records) {
    return records.stream().map(ActivationRecord::activationId).toList();
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private final AtomicLong now;

    MovableClock(long now) {
      this.now = new AtomicLong(now);
    }

    void advance(Duration d) {
      now.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
      return now.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
