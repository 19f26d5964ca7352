package io.kwhisk.controller.entity;

import io.kwhisk.common.entity.FullyQualifiedName;

/**
 * Keys of the compacted entities topic: {@code action/<ns>/<name>}, {@code package/<ns>/<name>},
 * {@code trigger/<ns>/<name>}, {@code rule/<ns>/<name>}, {@code alarm/<ns>/<trigger>} and {@code
 * namespace/<ns>}. A namespace never holds '/', so the first two separators are unambiguous even
 * when the action name carries a package prefix.
 */
public final class EntityKeys {
  public static final String ACTION = "action/";
  public static final String NAMESPACE = "namespace/";
  public static final String PACKAGE = "package/";
  public static final String TRIGGER = "trigger/";
  public static final String RULE = "rule/";
  public static final String ALARM = "alarm/";

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

  /** The prefix of every action key of package {@code pkg} in {@code namespace}. */
  public static String actionsOf(String namespace, String pkg) {
    return ACTION + namespace + "/" + pkg + "/";
  }

  /**
   * The key of a package, trigger or rule: {@code kind} is one of {@link #PACKAGE}, {@link
   * #TRIGGER}, {@link #RULE}.
   */
  public static String of(String kind, String namespace, String name) {
    return kind + namespace + "/" + name;
  }
}
