package io.kwhisk.controller.entity;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.auth.KeyHash;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EntityViewTest {
  static Action action(String name, String revision) {
    return new Action(
        "guest",
        name,
        revision,
        null,
        new Exec("nodejs:20", "x", null, false, null),
        null,
        null,
        null,
        0,
        false,
        0);
  }

  @Test
  void theRecordWithTheHighestOffsetWinsWhateverTheArrivalOrder() {
    EntityView view = new EntityView();
    String key = EntityKeys.action(new FullyQualifiedName("guest", "a"));
    view.apply(key, 5, action("a", "new"));
    view.apply(key, 3, action("a", "old"));
    assertThat(view.action(key)).get().extracting(Action::revision).isEqualTo("new");
  }

  @Test
  void aTombstoneDeletesAndAnOlderValueDoesNotResurrect() {
    EntityView view = new EntityView();
    String key = EntityKeys.action(new FullyQualifiedName("guest", "a"));
    view.apply(key, 1, action("a", "r1"));
    view.apply(key, 2, null);
    view.apply(key, 1, action("a", "r1"));
    assertThat(view.action(key)).isEmpty();
  }

  @Test
  void actionsAreListedPerNamespaceByName() {
    EntityView view = new EntityView();
    view.apply(EntityKeys.action(new FullyQualifiedName("guest", "b")), 1, action("b", "r"));
    view.apply(EntityKeys.action(new FullyQualifiedName("guest", "a")), 2, action("a", "r"));
    view.apply(
        EntityKeys.action(new FullyQualifiedName("guest2", "c")),
        3,
        new Action(
            "guest2",
            "c",
            "r",
            null,
            new Exec("nodejs:20", "x", null, false, null),
            null,
            null,
            null,
            0,
            false,
            0));
    assertThat(view.actions(EntityKeys.actionsOf("guest")))
        .extracting(Action::name)
        .containsExactly("a", "b");
  }

  @Test
  void namespacesAreFoundByUuidUntilTheirKeyChanges() {
    EntityView view = new EntityView();
    view.apply(EntityKeys.namespace("guest"), 1, new NamespaceEntry("guest", "u1", "00", "h", 0));
    assertThat(view.namespaceByUuid("u1")).isPresent();
    view.apply(EntityKeys.namespace("guest"), 2, new NamespaceEntry("guest", "u2", "00", "h", 0));
    assertThat(view.namespaceByUuid("u1")).isEmpty();
    assertThat(view.namespaceByUuid("u2"))
        .get()
        .extracting(NamespaceEntry::namespace)
        .isEqualTo("guest");
  }

  @Test
  void storedValuesRoundTripThroughJsonAndNeverHoldTheKeyInClear() {
    String key = KeyHash.newKey();
    String salt = KeyHash.newSalt();
    NamespaceEntry entry = new NamespaceEntry("guest", "u1", salt, KeyHash.hash(salt, key), 7);
    byte[] bytes = Json.encode(entry);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).as("the stored form").doesNotContain(key);
    NamespaceEntry decoded =
        (NamespaceEntry) KafkaEntityStore.decode(EntityKeys.namespace("guest"), bytes);
    assertThat(decoded).isEqualTo(entry);
    assertThat(KeyHash.matches(decoded.salt(), decoded.keyHash(), key))
        .as("the key still logs in")
        .isTrue();
    Action a = action("a", "r");
    assertThat(KafkaEntityStore.decode(EntityKeys.action(a.fqn()), Json.encode(a))).isEqualTo(a);
    assertThat(KafkaEntityStore.decode(EntityKeys.action(a.fqn()), null)).isNull();
  }
}
