package io.kwhisk.controller.entity;

import io.kwhisk.common.entity.FullyQualifiedName;

/**
 * Keys of the compacted entities topic: {@code action/<ns>/<name>} and {@code namespace/<ns>}. A namespace never
 * holds '/', so the first two separators are unambiguous even when the action name carries a package prefix.
 */
public final class EntityKeys {
  public static final String ACTION = "action/";
  public static final String NAMESPACE = "namespace/";

  private EntityKeys() {}

  public static String action(FullyQualifiedName fqn) {
    return ACTION + fqn.namespace() + "/" + fqn.name();
  }

  public static String namespace(String namespace) {
    return NAMESPACE + namespace;
  }

  /** The prefix of every action key in {@code namespace}. */
  public static String actionsOf(String namespace) {
    return ACTION + namespace + "/";
  }
}
