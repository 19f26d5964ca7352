package io.kwhisk.controller.sequence;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The checks OpenWhisk makes when a sequence is written: its components name existing actions, it
 * does not reach itself (directly or through nested sequences), and it expands to at most {@link
 * #MAX_ATOMIC} atomic actions. Pure: actions are looked up through the function given.
 */
public final class SequenceCheck {
  /** OpenWhisk's default {@code actionSequenceLimit}. */
  public static final int MAX_ATOMIC = 50;

  static final String TOO_LONG = "Too many actions in the sequence.";
  static final String CYCLIC = "Sequence may not refer to itself.";
  static final String NOT_FOUND = "Sequence component does not exist.";

  private SequenceCheck() {}

  /**
   * A component's name, {@code /ns/action} or {@code /ns/pkg/action} (the leading '/' optional,
   * {@code _} the caller's namespace), as a fully qualified name whose name may carry the package.
   */
  public static FullyQualifiedName parse(String caller, String component) {
    String path = component.startsWith("/") ? component.substring(1) : component;
    String[] parts = path.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new SequenceException(
          "The fully qualified name of the entity must contain at least the namespace and "
              + "the name of the entity.");
    }
    for (String part : parts) {
      if (part.isEmpty())
        throw new SequenceException("The name of the entity contains illegal characters.");
    }
    String ns = "_".equals(parts[0]) ? caller : parts[0];
    return new FullyQualifiedName(ns, parts.length == 2 ? parts[1] : parts[1] + "/" + parts[2]);
  }

  /**
   * Checks the sequence {@code self} would be with {@code components}; returns the components'
   * names with the namespace resolved, in OpenWhisk's {@code /ns/...} form. {@code lookup} resolves
   * a name to the stored action (through bindings), empty when there is none.
   */
  public static List<String> check(
      FullyQualifiedName self,
      String caller,
      List<String> components,
      Function<FullyQualifiedName, Optional<Action>> lookup) {
    List<String> resolved = new ArrayList<>();
    int atomic = 0;
    for (String c : components) {
      FullyQualifiedName fqn = parse(caller, c);
      resolved.add("/" + fqn.path());
      atomic += count(self, fqn, caller, lookup, 0);
      if (atomic > MAX_ATOMIC) throw new SequenceException(TOO_LONG);
    }
    return resolved;
  }

  private static int count(
      FullyQualifiedName self,
      FullyQualifiedName component,
      String caller,
      Function<FullyQualifiedName, Optional<Action>> lookup,
      int depth) {
    Action action = lookup.apply(component).orElseThrow(() -> new SequenceException(NOT_FOUND));
    if (action.fqn().equals(self) || component.equals(self)) throw new SequenceException(CYCLIC);
    if (!action.exec().isSequence()) return 1;
    // Stored sequences were checked when written, so only a cycle through self can appear; the
    // depth guard covers
    // a store written by something else.
    if (depth > MAX_ATOMIC) throw new SequenceException(TOO_LONG);
    int n = 0;
    for (String inner : action.exec().components()) {
      n += count(self, parse(caller, inner), caller, lookup, depth + 1);
      if (n > MAX_ATOMIC) throw new SequenceException(TOO_LONG);
    }
    return n;
  }
}
