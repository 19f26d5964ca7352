package io.kwhisk.controller.api.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.EntityName;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.api.ActionJson;
import io.kwhisk.controller.api.ActionPut;
import io.kwhisk.controller.api.ActionsApi;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.api.InvokeParameters;
import io.kwhisk.controller.api.Responses;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.entity.AlarmEntry;
import io.kwhisk.controller.entity.EntityKeys;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import io.kwhisk.controller.entity.RuleEntry;
import io.kwhisk.controller.entity.TriggerEntry;
import io.kwhisk.controller.trigger.FireRate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The triggers collection, as OpenWhisk's: create/update, get (with the rules that name it),
 * delete, list, and fire ({@code POST}): 204 when no rule is active; else 202 with the trigger
 * activation's id at once, while every active rule's action is invoked (non-blocking) with the
 * fire's parameters over the trigger's, and the trigger's record, whose logs say what each rule
 * did, is produced to the completions topic once they are all queued. Fires are limited per
 * namespace and minute ({@code firesPerMinute}: 429 with {@code Retry-After}).
 */
public final class TriggersApi {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TriggersApi.class);

  private final EntityStore store;
  private final PackageResolver resolver;
  private final ActionsApi actions;
  private final FireRate rate;
  private final Clock clock;

  public TriggersApi(
      EntityStore store, PackageResolver resolver, ActionsApi actions, FireRate rate, Clock clock) {
    this.store = store;
    this.resolver = resolver;
    this.actions = actions;
    this.rate = rate;
    this.clock = clock;
  }

  public CompletionStage<HttpResponse> put(
      Identity who, String name, boolean overwrite, byte[] body) {
    requireName("trigger", name);
    JsonNode root = ActionPut.readObject(body);
    Optional<TriggerEntry> existing = trigger(who.namespace(), name);
    if (existing.isPresent() && !overwrite) throw ApiError.conflict();
    Map<String, JsonNode> parameters =
        root.hasNonNull("parameters")
            ? ActionPut.keyValues("parameters", root.get("parameters"))
            : existing.map(TriggerEntry::parameters).orElse(Map.of());
    Map<String, JsonNode> annotations =
        root.hasNonNull("annotations")
            ? ActionPut.keyValues("annotations", root.get("annotations"))
            : existing.map(TriggerEntry::annotations).orElse(Map.of());
    JsonNode feed = annotations.get("feed");
    if (feed != null && !(feed.isTextual() && validFeed(feed.asText()))) {
      throw ApiError.badRequest("Feed name is not valid");
    }
    if (root.hasNonNull("publish") && !root.get("publish").isBoolean()) {
      throw ApiError.badRequest("The field 'publish' must be a boolean.");
    }
    boolean publish =
        root.hasNonNull("publish")
            ? root.get("publish").asBoolean()
            : existing.map(TriggerEntry::publish).orElse(false);
    String version =
        root.path("version").isTextual()
            ? root.get("version").asText()
            : existing.map(t -> ActionPut.upPatch(t.version())).orElse("0.0.1");
    TriggerEntry entry =
        new TriggerEntry(
            who.namespace(), name, parameters, annotations, version, publish, clock.millis());
    AlarmEntry alarm =
        Alarms.isAlarmFeed(feed) && Alarms.hasSchedule(parameters) ? Alarms.parse(entry) : null;
    String alarmKey = EntityKeys.of(EntityKeys.ALARM, who.namespace(), name);
    return store
        .write(entry.key(), entry)
        .thenCompose(
            v ->
                alarm != null || store.get(alarmKey, AlarmEntry.class).isPresent()
                    ? store.write(alarmKey, alarm)
                    : CompletableFuture.completedFuture(null))
        .thenApply(v -> Responses.json(200, TriggerJson.trigger(entry, rules(entry))));
  }

  /**
   * {@code POST /namespaces/whisk.system/actions/alarms/alarm}: the built-in feed action as the
   * {@code wsk} CLI calls it after creating a trigger with {@code --feed} (and before deleting it):
   * {@code lifecycleEvent} CREATE (or UPDATE) writes the alarm the other parameters describe for
   * {@code triggerName}, DELETE removes it, READ shows it. Only for the caller's own triggers.
   * Answers like a blocking invoke of an action that succeeded.
   */
  public CompletionStage<HttpResponse> alarmFeed(Identity who, byte[] body) {
    JsonNode params = ActionPut.readObject(body);
    String event = params.path("lifecycleEvent").asText("").toUpperCase(java.util.Locale.ROOT);
    FullyQualifiedName target = RulesApi.name(who, params.path("triggerName").asText(""));
    if (!target.namespace().equals(who.namespace())) throw ApiError.forbidden();
    String alarmKey = EntityKeys.of(EntityKeys.ALARM, target.namespace(), target.name());
    CompletionStage<JsonNode> result =
        switch (event) {
          case "CREATE", "UPDATE" -> {
            if (trigger(target.namespace(), target.name()).isEmpty()) throw ApiError.notFound();
            Map<String, JsonNode> given = new java.util.LinkedHashMap<>();
            params.properties().forEach(e -> given.put(e.getKey(), e.getValue()));
            AlarmEntry alarm =
                Alarms.parse(target.namespace(), target.name(), given, clock.millis());
            yield store.write(alarmKey, alarm).thenApply(v -> Json.object());
          }
          case "DELETE" -> store.write(alarmKey, null).thenApply(v -> Json.object());
          case "READ" ->
              done(
                  Json.MAPPER.valueToTree(
                      store.get(alarmKey, AlarmEntry.class).orElseThrow(ApiError::notFound)));
          default ->
              throw ApiError.badRequest(
                  "The parameter 'lifecycleEvent' must be CREATE, UPDATE, READ or DELETE.");
        };
    String id = ActivationIds.next();
    return result.thenApply(
        r -> {
          long now = clock.millis();
          ActivationRecord record =
              new ActivationRecord(
                  who.namespace(),
                  "alarm",
                  "0.0.1",
                  who.namespace(),
                  id,
                  now,
                  now,
                  0,
                  0,
                  ActivationResponse.success(r),
                  List.of(),
                  List.of(),
                  false);
          return Responses.json(200, ActionJson.activation(record))
              .addHeader(RawHeader.create(ActionsApi.ACTIVATION_ID_HEADER, id));
        });
  }

  public CompletionStage<HttpResponse> get(Identity who, String name) {
    TriggerEntry t = require(who, name);
    return done(Responses.json(200, TriggerJson.trigger(t, rules(t))));
  }

  /**
   * DELETE: the trigger goes; its rules stay, inactive, until they are deleted or pointed
   * elsewhere.
   */
  public CompletionStage<HttpResponse> delete(Identity who, String name) {
    TriggerEntry t = require(who, name);
    ObjectNode body = TriggerJson.trigger(t, rules(t));
    String alarmKey = EntityKeys.of(EntityKeys.ALARM, t.namespace(), t.name());
    return store
        .write(t.key(), null)
        .thenCompose(
            v ->
                store.get(alarmKey, AlarmEntry.class).isPresent()
                    ? store.write(alarmKey, null)
                    : CompletableFuture.completedFuture(null))
        .thenApply(v -> Responses.json(200, body));
  }

  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query) {
    return done(Listing.of("triggers", all(who), query, this::json));
  }

  /** The caller's triggers, for the namespace document. */
  public ArrayNode summaries(Identity who) {
    return Listing.all(all(who), this::json);
  }

  private List<TriggerEntry> all(Identity who) {
    return store.list(EntityKeys.of(EntityKeys.TRIGGER, who.namespace(), ""), TriggerEntry.class);
  }

  private JsonNode json(TriggerEntry t) {
    return TriggerJson.trigger(t, rules(t));
  }

  /** POST: fires the trigger (see the class comment). */
  public CompletionStage<HttpResponse> fire(
      Identity who, String name, byte[] body, String transactionId) {
    OptionalInt retryAfter = rate.tryFire(who.namespace());
    if (retryAfter.isPresent()) {
      throw ApiError.tooManyRequests(
          "Too many requests in the last minute (count: "
              + (rate.perMinute() + 1)
              + ", allowed: "
              + rate.perMinute()
              + ").",
          retryAfter.getAsInt());
    }
    TriggerEntry t = require(who, name);
    JsonNode payload = InvokeParameters.parse(body);
    if (!payload.isObject())
      throw ApiError.badRequest("The request content was malformed: it must be a JSON object.");
    return fire(who, t, (ObjectNode) payload, transactionId);
  }

  /**
   * The built-in alarms feed fires {@code alarm}'s trigger as its namespace, with the alarm's
   * payload, like a {@code POST} would (the namespace's fires per minute included). A refused fire
   * is logged, not retried.
   */
  public void fireAlarm(AlarmEntry alarm) {
    Optional<TriggerEntry> t = trigger(alarm.namespace(), alarm.trigger());
    Optional<NamespaceEntry> owner = store.namespace(alarm.namespace());
    if (t.isEmpty() || owner.isEmpty()) return;
    Identity who = new Identity(owner.get().namespace(), owner.get().uuid());
    ObjectNode payload = Json.object();
    alarm.payload().forEach(payload::set);
    try {
      if (rate.tryFire(who.namespace()).isPresent()) {
        log.info(
            "alarm of {}/{} not fired: the namespace's fires per minute are used up",
            alarm.namespace(),
            alarm.trigger());
        return;
      }
      fire(who, t.get(), payload, ActivationIds.next());
    } catch (RuntimeException e) {
      log.warn("alarm of {}/{} not fired: {}", alarm.namespace(), alarm.trigger(), e.toString());
    }
  }

  private CompletionStage<HttpResponse> fire(
      Identity who, TriggerEntry t, ObjectNode payload, String transactionId) {
    List<RuleEntry> rules = rules(t);
    if (rules.stream().noneMatch(RuleEntry::active)) {
      return done(HttpResponse.create().withStatus(StatusCodes.NO_CONTENT));
    }
    String triggerId = ActivationIds.next();
    long start = clock.millis();
    JsonNode args = InvokeParameters.merge(t.parameters(), payload);
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (RuleEntry r : rules)
      results.add(fireRule(who, r, args, transactionId).toCompletableFuture());
    CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenRun(
            () -> {
              List<String> logs = results.stream().map(CompletableFuture::join).toList();
              actions.publishRecord(
                  new ActivationRecord(
                      who.namespace(),
                      t.name(),
                      t.version(),
                      who.namespace(),
                      triggerId,
                      start,
                      start,
                      0,
                      0,
                      ActivationResponse.success(payload),
                      logs,
                      List.of(),
                      false));
            });
    return done(
        Responses.json(202, ActionJson.activationId(triggerId))
            .addHeader(RawHeader.create(ActionsApi.ACTIVATION_ID_HEADER, triggerId)));
  }

  /**
   * Invokes one rule's action; completes (never fails) with the rule's line of the trigger's logs.
   */
  private CompletionStage<String> fireRule(
      Identity who, RuleEntry r, JsonNode args, String transactionId) {
    if (!r.active()) {
      return done(
          TriggerJson.ruleResult(
              r,
              ActivationResponse.APPLICATION_ERROR,
              null,
              "Rule '"
                  + r.namespace()
                  + "/"
                  + r.name()
                  + "' is inactive, action '"
                  + r.action().path()
                  + "' was not activated."));
    }
    CompletionStage<String> started;
    try {
      Action action = resolver.resolveFor(who.namespace(), r.action()).effective();
      started = actions.start(who, action, args, transactionId);
    } catch (RuntimeException e) {
      started = CompletableFuture.failedFuture(e);
    }
    return started.handle(
        (id, error) -> {
          if (error == null) return TriggerJson.ruleResult(r, ActivationResponse.SUCCESS, id, null);
          Throwable cause =
              error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          boolean client = cause instanceof ApiError e && e.status() < 500;
          return TriggerJson.ruleResult(
              r,
              client ? ActivationResponse.APPLICATION_ERROR : ActivationResponse.WHISK_ERROR,
              null,
              cause instanceof ApiError ? cause.getMessage() : "Internal Server Error");
        });
  }

  /** The rules that name {@code t}, by name. */
  List<RuleEntry> rules(TriggerEntry t) {
    FullyQualifiedName fqn = new FullyQualifiedName(t.namespace(), t.name());
    return store.list(EntityKeys.of(EntityKeys.RULE, t.namespace(), ""), RuleEntry.class).stream()
        .filter(r -> r.trigger().equals(fqn))
        .toList();
  }

  Optional<TriggerEntry> trigger(String namespace, String name) {
    return store.get(EntityKeys.of(EntityKeys.TRIGGER, namespace, name), TriggerEntry.class);
  }

  private TriggerEntry require(Identity who, String name) {
    requireName("trigger", name);
    return trigger(who.namespace(), name).orElseThrow(ApiError::notFound);
  }

  /**
   * OpenWhisk's feed name check: {@code name}, {@code ns/name} or {@code ns/pkg/name}, optionally
   * with a leading '/'.
   */
  static boolean validFeed(String feed) {
    String path = feed.startsWith("/") ? feed.substring(1) : feed;
    String[] parts = path.split("/", -1);
    if (parts.length > 3) return false;
    for (String p : parts) {
      if (!EntityName.isValid(p)) return false;
    }
    return true;
  }

  static void requireName(String what, String name) {
    try {
      EntityName.require(what, name);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
