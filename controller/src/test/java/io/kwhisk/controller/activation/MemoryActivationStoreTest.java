package io.kwhisk.controller.activation;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MemoryActivationStoreTest {
  static ActivationRecord record(String ns, String name, String id, long start) {
    return new ActivationRecord(
        ns,
        name,
        "0.0.1",
        ns,
        id,
        start,
        start + 1,
        1,
        0,
        ActivationResponse.success(null),
        null,
        null,
        false);
  }

  @Test
  void listsNewestFirstWithinTheNamespaceAndByName() {
    MemoryActivationStore store = new MemoryActivationStore(10);
    store.put(record("guest", "a", "1", 100));
    store.put(record("guest", "b", "2", 300));
    store.put(record("guest", "a", "3", 200));
    store.put(record("other", "a", "4", 400));
    assertThat(store.list("guest", null, 0, 10))
        .extracting(ActivationRecord::activationId)
        .containsExactly("2", "3", "1");
    assertThat(store.list("guest", "a", 0, 10))
        .extracting(ActivationRecord::activationId)
        .containsExactly("3", "1");
    assertThat(store.list("guest", null, 1, 1))
        .extracting(ActivationRecord::activationId)
        .containsExactly("3");
  }

  @Test
  void sinceAndUptoKeepOnlyActivationsThatStartedBetweenThemInclusive() {
    MemoryActivationStore store = new MemoryActivationStore(10);
    store.put(record("guest", "a", "1", 100));
    store.put(record("guest", "a", "2", 200));
    store.put(record("guest", "a", "3", 300));
    assertThat(store.list("guest", null, 200, Long.MAX_VALUE, 0, 10))
        .extracting(ActivationRecord::activationId)
        .containsExactly("3", "2");
    assertThat(store.list("guest", "a", Long.MIN_VALUE, 200, 0, 10))
        .extracting(ActivationRecord::activationId)
        .containsExactly("2", "1");
    assertThat(store.list("guest", null, 150, 250, 0, 10))
        .extracting(ActivationRecord::activationId)
        .containsExactly("2");
  }

  @Test
  void anotherNamespacesActivationIsNotFound() {
    MemoryActivationStore store = new MemoryActivationStore(10);
    store.put(record("other", "a", "4", 400));
    assertThat(store.get("guest", "4")).isEmpty();
    assertThat(store.get("other", "4")).isPresent();
  }

  @Test
  void theOldestRecordIsEvictedBeyondCapacity() {
    MemoryActivationStore store = new MemoryActivationStore(2);
    store.put(record("guest", "a", "1", 1));
    store.put(record("guest", "a", "2", 2));
    store.put(record("guest", "a", "3", 3));
    assertThat(store.size()).isEqualTo(2);
    assertThat(store.get("guest", "1")).isEmpty();
  }

  @Test
  void activationIdsAreThirtyTwoHexCharacters() {
    String id = ActivationIds.next();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(ActivationIds.isValid(id)).isTrue();
    assertThat(ActivationIds.next()).isNotEqualTo(id);
  }
}
