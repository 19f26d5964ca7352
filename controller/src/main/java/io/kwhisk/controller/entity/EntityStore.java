package io.kwhisk.controller.entity;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Actions, namespaces, packages, triggers and rules. Reads come from memory and never block; a
 * write completes once it is durable (the broker acknowledged it), after which reads on this
 * controller see it. Other controllers see it shortly after, when their readers reach it.
 */
public interface EntityStore {
  Optional<Action> action(FullyQualifiedName fqn);

  /** The actions of {@code namespace}, by name. */
  List<Action> actions(String namespace);

  Optional<NamespaceEntry> namespace(String namespace);

  /** Every namespace, by name. */
  List<NamespaceEntry> namespaces();

  Optional<NamespaceEntry> namespaceByUuid(String uuid);

  CompletionStage<Void> put(Action action);

  CompletionStage<Void> delete(FullyQualifiedName fqn);

  CompletionStage<Void> put(NamespaceEntry namespace);

  /**
   * The package, trigger or rule at {@code key} ({@link EntityKeys#of}) when it is a {@code type}.
   */
  <T> Optional<T> get(String key, Class<T> type);

  /** The entries of type {@code type} whose keys start with {@code prefix}, in key order. */
  <T> List<T> list(String prefix, Class<T> type);

  /** Writes a package, trigger or rule at {@code key}; {@code value} null deletes it. */
  CompletionStage<Void> write(String key, Object value);
}
