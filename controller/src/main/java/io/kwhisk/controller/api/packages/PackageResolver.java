package io.kwhisk.controller.api.packages;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.EntityName;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.PackageEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the action names a caller gives ({@code name} or {@code package/name}) to stored
 * actions, as OpenWhisk does: an action in a binding is the bound package's action, and its
 * parameters are layered package, then binding, then action (the caller's invoke parameters go on
 * top later). A binding may stand for a package of another namespace only while that package is
 * public (403 otherwise). Reads are in memory; nothing blocks.
 */
public final class PackageResolver {
  /**
   * The package name OpenWhisk reserves: {@code /ns/default/action} is the action outside any
   * package.
   */
  public static final String DEFAULT_PACKAGE = "default";

  private final EntityStore store;

  public PackageResolver(EntityStore store) {
    this.store = store;
  }

  /**
   * An action as a caller sees it: {@code stored} is the entity (its identity, revision and code),
   * {@code effective} the same action with its package's and binding's parameters layered under its
   * own.
   */
  public record Resolved(Action stored, Action effective, String binding) {
    /** An action not reached through a binding. */
    public Resolved(Action stored, Action effective) {
      this(stored, effective, null);
    }
  }

  /**
   * The identity of {@code name} in {@code namespace}: validated, {@code default/x} is {@code x}.
   */
  public static FullyQualifiedName fqn(String namespace, String name) {
    try {
      int slash = name.indexOf('/');
      if (slash < 0) return new FullyQualifiedName(namespace, EntityName.require("action", name));
      String pkg = EntityName.require("package", name.substring(0, slash));
      String action = EntityName.require("action", name.substring(slash + 1));
      return DEFAULT_PACKAGE.equals(pkg)
          ? new FullyQualifiedName(namespace, action)
          : new FullyQualifiedName(namespace, pkg + "/" + action);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  /** The package part of an action name, or null for an action outside any package. */
  public static String packageOf(String actionName) {
    int slash = actionName.indexOf('/');
    return slash < 0 ? null : actionName.substring(0, slash);
  }

  /** The action's own name, without its package. */
  public static String simpleName(String actionName) {
    return actionName.substring(actionName.indexOf('/') + 1);
  }

  /**
   * Where an action may be created or deleted: outside any package, or in an existing package of
   * the namespace (404 when it does not exist) that is not a binding (400, as OpenWhisk).
   */
  public void requireWritable(FullyQualifiedName fqn) {
    String pkg = packageOf(fqn.name());
    if (pkg == null) return;
    PackageEntry p = packageEntry(fqn.namespace(), pkg).orElseThrow(ApiError::notFound);
    if (p.isBinding()) throw ApiError.badRequest("Operation not permitted on package binding.");
  }

  /**
   * The action {@code fqn} names for reading or invoking, through a binding if its package is one
   * (404 if none).
   */
  public Resolved resolve(FullyQualifiedName fqn) {
    String pkg = packageOf(fqn.name());
    if (pkg == null) {
      Action a = store.action(fqn).orElseThrow(ApiError::notFound);
      return new Resolved(a, a);
    }
    PackageEntry named = packageEntry(fqn.namespace(), pkg).orElseThrow(ApiError::notFound);
    Map<String, JsonNode> inherited = new LinkedHashMap<>();
    PackageEntry holder = named;
    if (named.isBinding()) {
      holder = boundPackage(named);
      inherited.putAll(holder.parameters());
    }
    inherited.putAll(named.parameters());
    FullyQualifiedName target =
        new FullyQualifiedName(holder.namespace(), holder.name() + "/" + simpleName(fqn.name()));
    Action stored = store.action(target).orElseThrow(ApiError::notFound);
    inherited.putAll(stored.parameters());
    return new Resolved(
        stored,
        withParameters(stored, inherited),
        named.isBinding() ? named.namespace() + "/" + named.name() : null);
  }

  /**
   * The action {@code fqn} names as {@code caller} may run it: one of its own namespace, or one in
   * another namespace's public package (403 otherwise), as a sequence's component may be.
   */
  public Resolved resolveFor(String caller, FullyQualifiedName fqn) {
    if (!fqn.namespace().equals(caller)) {
      String pkg = packageOf(fqn.name());
      PackageEntry p =
          pkg == null ? null : packageEntry(fqn.namespace(), pkg).orElseThrow(ApiError::notFound);
      if (p == null || !p.publish() || p.isBinding()) throw ApiError.forbidden();
    }
    return resolve(fqn);
  }

  /**
   * The package a binding stands for: 404 when it is gone, 403 when it is another namespace's
   * private package.
   */
  public PackageEntry boundPackage(PackageEntry binding) {
    PackageEntry.Binding b = binding.binding();
    PackageEntry target = packageEntry(b.namespace(), b.name()).orElseThrow(ApiError::notFound);
    if (!target.namespace().equals(binding.namespace()) && !target.publish())
      throw ApiError.forbidden();
    return target;
  }

  public Optional<PackageEntry> packageEntry(String namespace, String name) {
    return store.get(EntityKeys.of(EntityKeys.PACKAGE, namespace, name), PackageEntry.class);
  }

  static Action withParameters(Action a, Map<String, JsonNode> parameters) {
    return new Action(
        a.namespace(),
        a.name(),
        a.revision(),
        a.version(),
        a.exec(),
        parameters,
        a.annotations(),
        a.limits(),
        a.instances(),
        a.publish(),
        a.updated(),
        a.initParameters());
  }
}
