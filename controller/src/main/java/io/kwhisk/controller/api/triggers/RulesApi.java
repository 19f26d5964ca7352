package io.kwhisk.controller.api.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ActionPut;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.api.Responses;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.RuleEntry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The rules collection, as OpenWhisk's: create/update ({@code {trigger, action}}, both checked to
 * exist: 400 otherwise; a new rule is active, an update keeps the status), get (the status,
 * inactive while the trigger is gone), delete, list, and {@code POST {status: active|inactive}}.
 */
public final class RulesApi {
  private final EntityStore store;
  private final PackageResolver resolver;
  private final TriggersApi triggers;
  private final Clock clock;

  public RulesApi(EntityStore store, PackageResolver resolver, TriggersApi triggers, Clock clock) {
    this.store = store;
    this.resolver = resolver;
    this.triggers = triggers;
    this.clock = clock;
  }

  public CompletionStage<HttpResponse> put(
      Identity who, String name, boolean overwrite, byte[] body) {
    TriggersApi.requireName("rule", name);
    JsonNode root = ActionPut.readObject(body);
    Optional<RuleEntry> existing = rule(who.namespace(), name);
    if (existing.isPresent() && !overwrite) throw ApiError.conflict();
    FullyQualifiedName trigger =
        root.path("trigger").isTextual()
            ? name(who, root.get("trigger").asText())
            : existing.map(RuleEntry::trigger).orElse(null);
    FullyQualifiedName action =
        root.path("action").isTextual()
            ? name(who, root.get("action").asText())
            : existing.map(RuleEntry::action).orElse(null);
    if (trigger == null || action == null)
      throw ApiError.badRequest("rule requires a valid trigger and a valid action");
    if (!trigger.namespace().equals(who.namespace())
        || triggers.trigger(who.namespace(), trigger.name()).isEmpty()) {
      throw ApiError.badRequest("trigger /" + trigger.path() + " does not exist");
    }
    try {
      resolver.resolveFor(who.namespace(), action);
    } catch (ApiError e) {
      if (e.status() == 404)
        throw ApiError.badRequest("action /" + action.path() + " does not exist");
      throw e;
    }
    Map<String, JsonNode> annotations =
        root.hasNonNull("annotations")
            ? ActionPut.keyValues("annotations", root.get("annotations"))
            : existing.map(RuleEntry::annotations).orElse(Map.of());
    boolean publish =
        root.path("publish").isBoolean()
            ? root.get("publish").asBoolean()
            : existing.map(RuleEntry::publish).orElse(false);
    String version =
        root.path("version").isTextual()
            ? root.get("version").asText()
            : existing.map(r -> ActionPut.upPatch(r.version())).orElse("0.0.1");
    RuleEntry entry =
        new RuleEntry(
            who.namespace(),
            name,
            trigger,
            action,
            existing.map(RuleEntry::active).orElse(true),
            annotations,
            version,
            publish,
            clock.millis());
    return store
        .write(entry.key(), entry)
        .thenApply(v -> Responses.json(200, TriggerJson.rule(entry, true)));
  }

  public CompletionStage<HttpResponse> get(Identity who, String name) {
    RuleEntry r = require(who, name);
    return done(Responses.json(200, TriggerJson.rule(r, triggerExists(r))));
  }

  public CompletionStage<HttpResponse> delete(Identity who, String name) {
    RuleEntry r = require(who, name);
    return store
        .write(r.key(), null)
        .thenApply(v -> Responses.json(200, TriggerJson.rule(r, false)));
  }

  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query) {
    return done(Listing.of("rules", all(who), query, this::json));
  }

  /** The caller's rules, for the namespace document. */
  public ArrayNode summaries(Identity who) {
    return Listing.all(all(who), this::json);
  }

  private List<RuleEntry> all(Identity who) {
    return store.list(EntityKeys.of(EntityKeys.RULE, who.namespace(), ""), RuleEntry.class);
  }

  private JsonNode json(RuleEntry r) {
    return TriggerJson.rule(r, triggerExists(r));
  }

  /** POST {@code {"status": "active"|"inactive"}}: 200 (also when it already had that status). */
  public CompletionStage<HttpResponse> setStatus(Identity who, String name, byte[] body) {
    RuleEntry r = require(who, name);
    JsonNode status = ActionPut.readObject(body).get("status");
    if (status == null
        || !status.isTextual()
        || !(TriggerJson.ACTIVE.equals(status.asText())
            || TriggerJson.INACTIVE.equals(status.asText()))) {
      throw ApiError.badRequest("The field 'status' must be 'active' or 'inactive'.");
    }
    if (!triggerExists(r))
      throw new ApiError(404, "Only rules with existing triggers can be activated");
    boolean active = TriggerJson.ACTIVE.equals(status.asText());
    if (active == r.active()) return done(Responses.json(200, Json.object()));
    RuleEntry changed = r.withActive(active, clock.millis());
    return store.write(changed.key(), changed).thenApply(v -> Responses.json(200, Json.object()));
  }

  private boolean triggerExists(RuleEntry r) {
    return triggers.trigger(r.trigger().namespace(), r.trigger().name()).isPresent();
  }

  private Optional<RuleEntry> rule(String namespace, String name) {
    return store.get(EntityKeys.of(EntityKeys.RULE, namespace, name), RuleEntry.class);
  }

  private RuleEntry require(Identity who, String name) {
    TriggersApi.requireName("rule", name);
    return rule(who.namespace(), name).orElseThrow(ApiError::notFound);
  }

  /**
   * A trigger or action name in a rule: {@code /ns/name} or {@code /ns/pkg/name} when it starts
   * with '/' ({@code _} the caller's namespace), else {@code name} or {@code pkg/name} in the
   * caller's namespace.
   */
  static FullyQualifiedName name(Identity who, String given) {
    boolean qualified = given.startsWith("/");
    String[] parts = (qualified ? given.substring(1) : given).split("/", -1);
    String ns;
    String rest;
    if (qualified) {
      if (parts.length < 2 || parts.length > 3) throw malformed();
      ns = who.resolve(parts[0]);
      rest = parts.length == 2 ? parts[1] : parts[1] + "/" + parts[2];
    } else {
      if (parts.length > 2) throw malformed();
      ns = who.namespace();
      rest = given;
    }
    return PackageResolver.fqn(ns, rest);
  }

  private static ApiError malformed() {
    return ApiError.badRequest(
        "The fully qualified name of the entity must contain at least the namespace and the "
            + "name of the entity.");
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
