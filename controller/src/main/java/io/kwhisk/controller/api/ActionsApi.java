package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.activation.QueueDrain;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.entity.CodeStore;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.kafka.KafkaReachability;
import io.kwhisk.controller.kafka.TopicAdmin;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.InvokerCommands;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.sequence.SequenceCheck;
import io.kwhisk.controller.sequence.SequenceException;
import io.kwhisk.controller.sequence.SequenceRunner;
import io.kwhisk.controller.throttle.Admission;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/**
 * The actions collection: create/update, get, delete, list, the namespace's summary and limits
 * documents, and invoke (the activations themselves are {@link Invocations}'). Handlers return a
 * future answer and never block: entity reads are in memory, Kafka writes complete through their
 * acknowledgements.
 */
public final class ActionsApi {
  public static final String ACTIVATION_ID_HEADER = "x-openwhisk-activation-id";
  static final int DEFAULT_LIST_LIMIT = 30;
  static final int MAX_LIST_LIMIT = 200;

  private final ApiSettings config;
  private final EntityStore store;
  private final TopicAdmin topics;
  private final ActorRef<Scheduler.Command> scheduler;
  private final Supplier<SchedulerView> view;
  private final InvokerCommands commands;
  private final Admission admission;
  private final Clock clock;
  private final PackageResolver packages;
  private final QueueDrain drain;
  private final CodeStore code;
  private final Invocations invocations;
  private final RecordSender publisher;

  /** {@code packages} resolves {@code package/action} names, through bindings. */
  public ActionsApi(
      ApiSettings config,
      EntityStore store,
      TopicAdmin topics,
      RecordSender publisher,
      KafkaReachability kafka,
      Waiters waiters,
      ActorRef<Scheduler.Command> scheduler,
      Supplier<SchedulerView> view,
      InvokerCommands commands,
      ControllerMetrics metrics,
      Admission admission,
      Clock clock,
      PackageResolver packages,
      QueueDrain drain,
      CodeStore code) {
    this.config = config;
    this.store = store;
    this.topics = topics;
    this.scheduler = scheduler;
    this.view = view;
    this.commands = commands;
    this.admission = admission;
    this.clock = clock;
    this.packages = packages;
    this.drain = drain;
    this.code = code;
    this.publisher = publisher;
    this.invocations =
        new Invocations(
            config, publisher, kafka, waiters, scheduler, view, metrics, admission, clock,
            packages);
  }

  /**
   * A record the controller made (a sequence's, a trigger's) goes where invokers write theirs: see
   * {@link Invocations#publishRecord}.
   */
  public CompletionStage<Void> publishRecord(ActivationRecord record) {
    return invocations.publishRecord(record);
  }

  /**
   * PUT: creates the action, or updates it with {@code overwrite}. The action's topic and
   * share-group config exist before the answer, so the first invoke cannot be lost; an update
   * retires containers of older revisions. An action in a package ({@code pkg/name}) needs the
   * package, which must not be a binding.
   */
  public CompletionStage<HttpResponse> put(
      Identity who, String name, boolean overwrite, byte[] body) {
    FullyQualifiedName fqn = fqn(who, name);
    packages.requireWritable(fqn);
    ActionPut request = ActionPut.parse(body, config.kinds());
    if (request.exec() != null && request.exec().isBlackbox())
      config.blackboxImages().check(request.exec().image());
    Optional<Action> existing = store.action(fqn);
    if (existing.isPresent() && !overwrite) throw ApiError.conflict();
    Action action =
        request.toAction(
            fqn.namespace(), fqn.name(), existing, UUID.randomUUID().toString(), clock.millis());
    if (action.exec().isSequence()) return putSequence(who, action, existing);
    return topics
        .provisionAction(fqn)
        .exceptionally(
            t -> {
              throw new CompletionException(
                  ApiError.unavailable(
                      "The action's queue could not be created: "
                          + Responses.unwrap(t).getMessage()));
            })
        .thenCompose(
            v -> {
              // its first activation then finds the topic's metadata in the producer
              publisher.warm(Topics.actionTopic(fqn));
              return code.store(action);
            })
        .thenCompose(stored -> store.put(stored).thenApply(v -> stored))
        .thenApply(
            stored -> {
              if (existing.isPresent()) {
                code.discard(existing.get(), stored);
                scheduler.tell(new Scheduler.ActionUpdated(stored));
                ContainerDeletion retire =
                    new ContainerDeletion(fqn.namespace(), fqn.name(), action.revision());
                view.get().invokersHosting(fqn.path()).forEach(id -> commands.send(id, retire));
              }
              return Responses.json(200, ActionJson.full(action, true));
            });
  }

  /**
   * A sequence has no topic and no containers: its components are checked (they exist, no cycle, at
   * most 50 atomic actions; 400 otherwise) and stored with their namespaces resolved.
   */
  private CompletionStage<HttpResponse> putSequence(
      Identity who, Action action, Optional<Action> existing) {
    List<String> components;
    try {
      components =
          SequenceCheck.check(
              action.fqn(),
              who.namespace(),
              action.exec().components(),
              c -> Optional.of(packages.resolveFor(who.namespace(), c).stored()));
    } catch (SequenceException e) {
      throw ApiError.badRequest(e.getMessage());
    } catch (ApiError e) {
      if (e.status() == 404) throw ApiError.badRequest("Sequence component does not exist.");
      throw e;
    }
    Action stored =
        new Action(
            action.namespace(),
            action.name(),
            action.revision(),
            action.version(),
            Exec.sequence(components),
            action.parameters(),
            action.annotations(),
            action.limits(),
            action.instances(),
            action.publish(),
            action.updated(),
            action.initParameters());
    if (existing.isPresent() && !existing.get().exec().isSequence()) {
      // It ran in containers until now: retire them, as a delete would.
      scheduler.tell(new Scheduler.ActionDeleted(stored.fqn().path()));
    }
    return store
        .put(stored)
        .thenApply(
            v -> {
              existing.ifPresent(old -> code.discard(old, stored));
              return Responses.json(200, ActionJson.full(stored, true));
            });
  }

  /**
   * GET: an action in a package shows its package's (and binding's) parameters layered under its
   * own.
   */
  public CompletionStage<HttpResponse> get(Identity who, String name, boolean includeCode) {
    return get(who, fqn(who, name), includeCode);
  }

  /**
   * GET of {@code fqn} as {@code who} may read it: an action of its own namespace, or one in
   * another namespace's public package ({@code /whisk.system/utils/echo}); 403 for anything else of
   * another namespace.
   */
  public CompletionStage<HttpResponse> get(
      Identity who, FullyQualifiedName fqn, boolean includeCode) {
    Action action = packages.resolveFor(who.namespace(), fqn).effective();
    if (!includeCode) return done(Responses.json(200, ActionJson.full(action, false)));
    return code.inline(action).thenApply(a -> Responses.json(200, ActionJson.full(a, true)));
  }

  /**
   * DELETE: removes the action and tells every healthy invoker to retire its containers; then,
   * after the answer, the activations still queued end with an error record and the topic goes
   * ({@link QueueDrain}), which is noted before the action goes so that a controller stopping
   * mid-drain leaves it to the next one to start. In hash mode there is no action topic.
   */
  public CompletionStage<HttpResponse> delete(Identity who, String name) {
    FullyQualifiedName fqn = fqn(who, name);
    packages.requireWritable(fqn);
    Action action = store.action(fqn).orElseThrow(ApiError::notFound);
    CompletionStage<Void> noted =
        config.scheduling() == SchedulingMode.HASH
            ? CompletableFuture.completedFuture(null)
            : drain.noted(action);
    return noted
        .thenCompose(n -> store.delete(fqn))
        .thenApply(
            v -> {
              code.discard(action, null);
              scheduler.tell(new Scheduler.ActionDeleted(fqn.path()));
              admission.forget(fqn.path());
              ContainerDeletion retire = new ContainerDeletion(fqn.namespace(), fqn.name(), null);
              view.get().healthy().keySet().forEach(id -> commands.send(id, retire));
              if (config.scheduling() != SchedulingMode.HASH) drain.drain(action, clock.millis());
              return Responses.json(200, ActionJson.full(action, false));
            });
  }

  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query) {
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit =
        InvokeParameters.listLimit(
            "actions", query.get("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    if ("true".equalsIgnoreCase(query.get("count"))) {
      return done(
          Responses.json(200, Json.object().put("actions", store.actions(who.namespace()).size())));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    store.actions(who.namespace()).stream()
        .skip(skip)
        .limit(limit)
        .forEach(a -> out.add(ActionJson.summary(a)));
    return done(Responses.json(200, out));
  }

  /**
   * GET /namespaces/{ns}: the namespace's entities by collection, as {@code wsk list} reads them.
   */
  public CompletionStage<HttpResponse> namespaceSummary(
      Identity who, ArrayNode packageList, JsonNode triggerList, JsonNode ruleList) {
    ObjectNode out = Json.object();
    ArrayNode actions = out.putArray("actions");
    store.actions(who.namespace()).forEach(a -> actions.add(ActionJson.summary(a)));
    out.set("packages", packageList);
    out.set("triggers", triggerList);
    out.set("rules", ruleList);
    return done(Responses.json(200, out));
  }

  /**
   * GET /namespaces/{ns}/limits: OpenWhisk's namespace limits document, the limits that apply to
   * this namespace. {@code invocationsPerMinute} is absent when that limit is off ({@code
   * namespace-per-minute} 0 and no override of the namespace's own); both it and {@code
   * concurrentInvocations} show the namespace's override when it has one.
   */
  public CompletionStage<HttpResponse> namespaceLimits(Identity who) {
    ObjectNode out = Json.object();
    out.put("concurrentInvocations", admission.namespaceLimit(who.namespace()));
    int perMinute = admission.namespacePerMinute(who.namespace());
    if (perMinute > 0) out.put("invocationsPerMinute", perMinute);
    out.put("minActionMemory", ActionLimits.MIN_MEMORY);
    out.put("maxActionMemory", ActionLimits.MAX_MEMORY);
    out.put("minActionTimeout", ActionLimits.MIN_TIMEOUT);
    out.put("maxActionTimeout", ActionLimits.MAX_TIMEOUT);
    out.put("minActionLogs", 0);
    out.put("maxActionLogs", ActionLimits.MAX_LOGS);
    out.put("minActionConcurrency", 1);
    out.put("maxActionConcurrency", ActionLimits.MAX_CONCURRENCY);
    out.put("maxParameterSize", config.maxPayloadBytes() + " B");
    return done(Responses.json(200, out));
  }

  /**
   * POST: invokes, see {@link Invocations#invoke(Identity, FullyQualifiedName, Map, byte[],
   * String)}.
   */
  public CompletionStage<HttpResponse> invoke(
      Identity who, String name, Map<String, String> query, byte[] body, String transactionId) {
    return invocations.invoke(who, fqn(who, name), query, body, transactionId);
  }

  /**
   * Invokes {@code fqn} as {@code who}, an action of its own namespace or of another namespace's
   * public package.
   */
  public CompletionStage<HttpResponse> invoke(
      Identity who,
      FullyQualifiedName fqn,
      Map<String, String> query,
      byte[] body,
      String transactionId) {
    return invocations.invoke(who, fqn, query, body, transactionId);
  }

  /**
   * A non-blocking activation of {@code action} with {@code body} merged over its parameters (a
   * trigger's rules fire their actions this way): see {@link Invocations#start}.
   */
  public CompletionStage<String> start(
      Identity who, Action action, JsonNode body, String transactionId) {
    return invocations.start(who, action, body, transactionId);
  }

  /** An activation's id and its record, null when the record did not come within the wait. */
  public record Waited(String activationId, ActivationRecord record) {}

  /** A blocking activation of {@code action} (web actions): see {@link Invocations#runAndWait}. */
  public CompletionStage<Waited> runAndWait(
      Identity who, Action action, JsonNode params, String transactionId, Duration wait) {
    return invocations.runAndWait(who, action, params, transactionId, wait);
  }

  private static FullyQualifiedName fqn(Identity who, String name) {
    return PackageResolver.fqn(who.namespace(), name);
  }

  static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** Runs sequences for this controller's callers. */
  public SequenceRunner sequences() {
    return invocations.sequences();
  }

  /** The kinds actions may declare, for the API's info document. */
  List<String> kinds() {
    return config.kinds().stream().sorted().toList();
  }
}
