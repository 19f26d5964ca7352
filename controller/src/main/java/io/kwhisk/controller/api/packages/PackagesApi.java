package io.kwhisk.controller.api.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.EntityName;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ActionJson;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.api.InvokeParameters;
import io.kwhisk.controller.api.Responses;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.PackageEntry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The packages collection, as OpenWhisk's: create/update (a package or a binding), get (with its
 * actions; a binding shows the bound package's actions and its parameters layered over the
 * package's), delete (409 while the package holds actions, unless {@code force}, which deletes them
 * first) and list. Packages live in the entities topic beside actions, so they survive restarts and
 * every controller sees them.
 */
public final class PackagesApi {
  static final int DEFAULT_LIST_LIMIT = 30;
  static final int MAX_LIST_LIMIT = 200;

  private final EntityStore store;
  private final PackageResolver resolver;
  private final BiFunction<Identity, String, CompletionStage<HttpResponse>> deleteAction;
  private final Clock clock;

  /**
   * {@code deleteAction} deletes an action by its name ({@code pkg/action}) as the actions API
   * does.
   */
  public PackagesApi(
      EntityStore store,
      PackageResolver resolver,
      BiFunction<Identity, String, CompletionStage<HttpResponse>> deleteAction,
      Clock clock) {
    this.store = store;
    this.resolver = resolver;
    this.deleteAction = deleteAction;
    this.clock = clock;
  }

  public CompletionStage<HttpResponse> put(
      Identity who, String name, boolean overwrite, byte[] body) {
    requireName(name);
    if (PackageResolver.DEFAULT_PACKAGE.equals(name)) {
      throw ApiError.badRequest("Package name '" + name + "' is reserved.");
    }
    PackagePut request = PackagePut.parse(who, body);
    Optional<PackageEntry> existing = resolver.packageEntry(who.namespace(), name);
    if (existing.isPresent() && !overwrite) throw ApiError.conflict();
    if (request.binding() != null) {
      if (existing.isPresent() && !existing.get().isBinding()) {
        throw new ApiError(409, "Resource is a package and cannot be converted into a binding.");
      }
      checkBindable(who, request.binding());
    }
    PackageEntry entry = request.toEntry(who.namespace(), name, existing, clock.millis());
    return store
        .write(entry.key(), entry)
        .thenApply(v -> Responses.json(200, PackageJson.full(entry)));
  }

  /**
   * A binding may name an existing package (400 otherwise) that is no binding, this namespace's or
   * public (403).
   */
  private void checkBindable(Identity who, PackageEntry.Binding binding) {
    PackageEntry target =
        resolver
            .packageEntry(binding.namespace(), binding.name())
            .orElseThrow(
                () -> ApiError.badRequest("Binding references a package that does not exist."));
    if (target.isBinding()) throw ApiError.badRequest("Cannot bind to another package binding.");
    if (!target.namespace().equals(who.namespace()) && !target.publish())
      throw ApiError.forbidden();
  }

  public CompletionStage<HttpResponse> get(Identity who, String name) {
    return done(Responses.json(200, view(who.namespace(), name)));
  }

  /**
   * GET of another namespace's package: only a public one (a private one is 403, as OpenWhisk's
   * entitlement check answers), and never a binding.
   */
  public CompletionStage<HttpResponse> getShared(String namespace, String name) {
    requireName(name);
    PackageEntry p = resolver.packageEntry(namespace, name).orElseThrow(ApiError::notFound);
    if (!p.publish() || p.isBinding()) throw ApiError.forbidden();
    return done(Responses.json(200, view(namespace, name)));
  }

  private JsonNode view(String namespace, String name) {
    requireName(name);
    PackageEntry p = resolver.packageEntry(namespace, name).orElseThrow(ApiError::notFound);
    Map<String, JsonNode> parameters = new LinkedHashMap<>();
    PackageEntry holder = p;
    if (p.isBinding()) {
      holder = resolver.boundPackage(p);
      parameters.putAll(holder.parameters());
    }
    parameters.putAll(p.parameters());
    return PackageJson.withActions(p, parameters, actionsOf(holder));
  }

  public CompletionStage<HttpResponse> delete(Identity who, String name, boolean force) {
    requireName(name);
    PackageEntry p = resolver.packageEntry(who.namespace(), name).orElseThrow(ApiError::notFound);
    List<Action> actions = p.isBinding() ? List.of() : actionsOf(p);
    if (!actions.isEmpty() && !force) {
      throw new ApiError(
          409,
          "Package not empty (contains "
              + actions.size()
              + " "
              + (actions.size() == 1 ? "entity" : "entities")
              + ")");
    }
    CompletableFuture<?> emptied = CompletableFuture.completedFuture(null);
    for (Action a : actions) {
      emptied = emptied.thenCompose(v -> deleteAction.apply(who, a.name()).toCompletableFuture());
    }
    return emptied
        .thenCompose(v -> store.write(p.key(), null))
        .thenApply(v -> Responses.json(200, PackageJson.full(p)));
  }

  /** The caller's packages, or {@code namespace}'s public ones when it is another's. */
  public CompletionStage<HttpResponse> list(
      String namespace, boolean own, Map<String, String> query) {
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit =
        InvokeParameters.listLimit(
            "packages", query.get("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    List<PackageEntry> all =
        store.list(EntityKeys.of(EntityKeys.PACKAGE, namespace, ""), PackageEntry.class).stream()
            .filter(p -> own || (p.publish() && !p.isBinding()))
            .toList();
    if ("true".equalsIgnoreCase(query.get("count"))) {
      return done(Responses.json(200, Json.object().put("packages", all.size())));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    all.stream().skip(skip).limit(limit).forEach(p -> out.add(PackageJson.summary(p)));
    return done(Responses.json(200, out));
  }

  /**
   * GET /actions/{pkg}/: the actions of a package, or of the package a binding stands for, as the
   * action list shows them.
   */
  public CompletionStage<HttpResponse> listActions(
      String namespace, String name, Map<String, String> query) {
    requireName(name);
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit =
        InvokeParameters.listLimit(
            "actions", query.get("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    PackageEntry p = resolver.packageEntry(namespace, name).orElseThrow(ApiError::notFound);
    List<Action> actions = actionsOf(p.isBinding() ? resolver.boundPackage(p) : p);
    ArrayNode out = Json.MAPPER.createArrayNode();
    actions.stream().skip(skip).limit(limit).forEach(a -> out.add(ActionJson.summary(a)));
    return done(Responses.json(200, out));
  }

  /** The actions a package holds, by name. */
  public List<Action> actionsOf(PackageEntry p) {
    return store.actions(p.namespace()).stream()
        .filter(a -> p.name().equals(PackageResolver.packageOf(a.name())))
        .toList();
  }

  /** Summaries of the caller's packages, for the namespace document. */
  public ArrayNode summaries(String namespace) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    store
        .list(EntityKeys.of(EntityKeys.PACKAGE, namespace, ""), PackageEntry.class)
        .forEach(p -> out.add(PackageJson.summary(p)));
    return out;
  }

  private static void requireName(String name) {
    try {
      EntityName.require("package", name);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}
