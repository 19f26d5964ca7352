package io.kwhisk.controller.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SequenceCheckTest {
  final Map<FullyQualifiedName, Action> store = new HashMap<>();

  void atomic(String name) {
    store.put(
        new FullyQualifiedName("guest", name),
        new Action(
            "guest",
            name,
            "r",
            null,
            new Exec("nodejs:20", "x", null, false, null),
            null,
            null,
            null,
            0,
            false,
            0));
  }

  void sequence(String name, String... components) {
    store.put(
        new FullyQualifiedName("guest", name),
        new Action(
            "guest",
            name,
            "r",
            null,
            Exec.sequence(List.of(components)),
            null,
            null,
            null,
            0,
            false,
            0));
  }

  List<String> check(String self, String... components) {
    return SequenceCheck.check(
        new FullyQualifiedName("guest", self),
        "guest",
        List.of(components),
        fqn -> Optional.ofNullable(store.get(fqn)));
  }

  @Test
  void componentsAreResolvedToFullyQualifiedNamesWithTheCallersNamespace() {
    atomic("a");
    atomic("pkg/b");
    assertThat(check("seq", "/_/a", "guest/pkg/b")).containsExactly("/guest/a", "/guest/pkg/b");
  }

  @Test
  void aMissingComponentOrAMalformedNameIsRefused() {
    assertThatThrownBy(() -> check("seq", "/_/missing"))
        .hasMessage("Sequence component does not exist.");
    assertThatThrownBy(() -> check("seq", "justaname")).isInstanceOf(SequenceException.class);
    assertThatThrownBy(() -> check("seq", "/a/b/c/d")).isInstanceOf(SequenceException.class);
  }

  @Test
  void aSequenceThatReachesItselfDirectlyOrThroughAnotherIsCyclic() {
    atomic("a");
    sequence("outer", "/guest/a", "/guest/inner");
    sequence("inner", "/guest/a");
    assertThatThrownBy(() -> check("inner", "/guest/inner"))
        .hasMessage("Sequence may not refer to itself.");
    assertThatThrownBy(() -> check("inner", "/guest/a", "/guest/outer"))
        .hasMessage("Sequence may not refer to itself.");
  }

  @Test
  void atMostFiftyAtomicActionsCountingNestedSequences() {
    atomic("a");
    sequence("ten", Collections.nCopies(10, "/guest/a").toArray(String[]::new));
    assertThat(check("s", Collections.nCopies(5, "/guest/ten").toArray(String[]::new))).hasSize(5);
    assertThatThrownBy(() -> check("s", concat(Collections.nCopies(5, "/guest/ten"), "/guest/a")))
        .hasMessage("Too many actions in the sequence.");
    assertThatThrownBy(() -> check("s", Collections.nCopies(51, "/guest/a").toArray(String[]::new)))
        .hasMessage("Too many actions in the sequence.");
  }

  static String[] concat(List<String> first, String last) {
    List<String> all = new java.util.ArrayList<>(first);
    all.add(last);
    return all.toArray(String[]::new);
  }
}
