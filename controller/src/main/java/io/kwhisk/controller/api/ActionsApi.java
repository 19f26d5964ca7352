package io.kwhisk.controller.api;

import io.kwhisk.common.config.SchedulingMode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.EntityName;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.hash.PushRoute;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.controller.kafka.TopicAdmin;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.InvokerCommands;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.throttle.Admission;
import io.kwhisk.controller.throttle.Rejection;
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
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The actions collection: create/update, get, delete, list and invoke. Handlers return a future answer and never
 * block: entity reads are in memory, Kafka writes complete through their acknowledgements.
 */
public final class ActionsApi {
  public static final String ACTIVATION_ID_HEADER = "x-openwhisk-activation-id";
  static final int DEFAULT_LIST_LIMIT = 30;
  static final int MAX_LIST_LIMIT = 200;

  private final ControllerConfig config;
  private final EntityStore store;
  private final TopicAdmin topics;
  private final RecordSender publisher;
  private final Waiters waiters;
  private final ActorRef<Scheduler.Command> scheduler;
  private final Supplier<SchedulerView> view;
  private final InvokerCommands commands;
  private final ControllerMetrics metrics;
  private final Admission admission;
  private final Clock clock;

  public ActionsApi(ControllerConfig config, EntityStore store, TopicAdmin topics, RecordSender publisher,
      Waiters waiters, ActorRef<Scheduler.Command> scheduler, Supplier<SchedulerView> view, InvokerCommands commands,
      ControllerMetrics metrics, Admission admission, Clock clock) {
    this.config = config;
    this.store = store;
    this.topics = topics;
    this.publisher = publisher;
    this.waiters = waiters;
    this.scheduler = scheduler;
    this.view = view;
    this.commands = commands;
    this.metrics = metrics;
    this.admission = admission;
    this.clock = clock;
  }

  /**
   * PUT: creates the action, or updates it with {@code overwrite}. The action's topic and share-group config exist
   * before the answer, so the first invoke cannot be lost; an update retires containers of older revisions.
   */
  public CompletionStage<HttpResponse> put(Identity who, String name, boolean overwrite, byte[] body) {
    FullyQualifiedName fqn = fqn(who, name);
    ActionPut request = ActionPut.parse(body, config.kinds());
    if (request.exec() != null && request.exec().isBlackbox()) config.blackboxImages().check(request.exec().image());
    Optional<Action> existing = store.action(fqn);
    if (existing.isPresent() && !overwrite) throw ApiError.conflict();
    Action action = request.toAction(fqn.namespace(), fqn.name(), existing, UUID.randomUUID().toString(), clock.millis());
    return topics.provisionAction(fqn)
        .exceptionally(t -> {
          throw new CompletionException(ApiError.unavailable("The action's queue could not be created: " + Responses.unwrap(t).getMessage()));
        })
        .thenCompose(v -> store.put(action))
        .thenApply(v -> {
          if (existing.isPresent()) {
            scheduler.tell(new Scheduler.ActionUpdated(action));
            ContainerDeletion retire = new ContainerDeletion(fqn.namespace(), fqn.name(), action.revision());
            view.get().invokersHosting(fqn.path()).forEach(id -> commands.send(id, retire));
          }
          return Responses.json(200, ActionJson.full(action, true));
        });
  }

  public CompletionStage<HttpResponse> get(Identity who, String name, boolean includeCode) {
    Action action = store.action(fqn(who, name)).orElseThrow(ApiError::notFound);
    return done(Responses.json(200, ActionJson.full(action, includeCode)));
  }

  /** DELETE: removes the action, tells every healthy invoker to retire its containers, deletes its topic. */
  public CompletionStage<HttpResponse> delete(Identity who, String name) {
    FullyQualifiedName fqn = fqn(who, name);
    Action action = store.action(fqn).orElseThrow(ApiError::notFound);
    return store.delete(fqn)
        .thenCompose(v -> {
          scheduler.tell(new Scheduler.ActionDeleted(fqn.path()));
          admission.forget(fqn.path());
          ContainerDeletion retire = new ContainerDeletion(fqn.namespace(), fqn.name(), null);
          view.get().healthy().keySet().forEach(id -> commands.send(id, retire));
          return topics.deleteActionTopic(fqn);
        })
        .thenApply(v -> Responses.json(200, ActionJson.full(action, false)));
  }

  public CompletionStage<HttpResponse> list(Identity who, Map<String, String> query) {
    int skip = InvokeParameters.count("skip", query.get("skip"), 0, Integer.MAX_VALUE);
    int limit = InvokeParameters.listLimit("actions", query.get("limit"), DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT);
    if ("true".equalsIgnoreCase(query.get("count"))) {
      return done(Responses.json(200, Json.object().put("actions", store.actions(who.namespace()).size())));
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    store.actions(who.namespace()).stream().skip(skip).limit(limit).forEach(a -> out.add(ActionJson.summary(a)));
    return done(Responses.json(200, out));
  }

  /** GET /namespaces/{ns}: the namespace's entities by collection, as {@code wsk list} reads them. */
  public CompletionStage<HttpResponse> namespaceSummary(Identity who) {
    ObjectNode out = Json.object();
    ArrayNode actions = out.putArray("actions");
    store.actions(who.namespace()).forEach(a -> actions.add(ActionJson.summary(a)));
    out.putArray("packages");
    out.putArray("triggers");
    out.putArray("rules");
    return done(Responses.json(200, out));
  }

  /**
   * GET /namespaces/{ns}/limits: OpenWhisk's namespace limits document, the limits that apply to this namespace.
   * {@code invocationsPerMinute} is absent when that limit is off ({@code namespace-per-minute} 0).
   */
  public CompletionStage<HttpResponse> namespaceLimits(Identity who) {
    ObjectNode out = Json.object();
    out.put("concurrentInvocations", admission.namespaceLimit(who.namespace()));
    if (admission.namespacePerMinute() > 0) out.put("invocationsPerMinute", admission.namespacePerMinute());
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
   * POST: invokes. Admission first: over the namespace's concurrency or the action's backlog limit it answers 429
   * with {@code Retry-After}. The activation is on the action's topic (in hash mode: its home invoker's) before the
   * answer (202 with its id, or the result of a blocking call); a failed produce answers 503 and nothing was
   * accepted. A blocking call that outlives its wait answers 202: the activation still runs and is recorded.
   * {@code transactionId} is the request's ({@code X-Request-ID}, see {@link ApiHeaders}), the action's
   * {@code __OW_TRANSACTION_ID}.
   */
  public CompletionStage<HttpResponse> invoke(
      Identity who, String name, Map<String, String> query, byte[] body, String transactionId) {
    long started = System.nanoTime();
    FullyQualifiedName fqn = fqn(who, name);
    Action action = store.action(fqn).orElseThrow(ApiError::notFound);
    boolean blocking = "true".equalsIgnoreCase(query.get("blocking"));
    boolean resultOnly = "true".equalsIgnoreCase(query.get("result"));
    Duration wait = InvokeParameters.blockingWait(query.get("timeout"), config.blockingWait());
    JsonNode params = InvokeParameters.merge(action, InvokeParameters.parse(body));
    SchedulerView now = view.get();
    if (!now.hasHealthyInvoker() && now.containers(fqn.path()) == 0) {
      metrics.invokeRejected("no_invokers");
      throw ApiError.unavailable("No invokers available to run the action; try again later.");
    }
    String activationId = ActivationIds.next();
    Optional<Rejection> refused = admission.admit(activationId, action);
    if (refused.isPresent()) {
      metrics.invokeRejected(refused.get().limit().tag());
      throw ApiError.tooManyRequests(refused.get().message(), refused.get().retryAfterSeconds());
    }
    ActivationMessage message = new ActivationMessage(activationId, transactionId, fqn.namespace(), fqn.name(),
        action.revision(), who.namespace(), params, blocking, config.id(), clock.millis(),
        ActionPut.providesApiKey(action) ? who.authKey() : null);
    CompletableFuture<ActivationRecord> waiter = blocking ? waiters.register(activationId) : null;
    CompletionStage<HttpResponse> answer = queue(action, message)
        .handle((meta, error) -> {
          if (error != null) {
            waiters.cancel(activationId);
            admission.release(activationId);
            metrics.invokeRejected("kafka");
            Throwable cause = Responses.unwrap(error);
            if (cause instanceof RecordTooLargeException) throw new CompletionException(cause);
            throw new CompletionException(ApiError.unavailable("The activation could not be queued; try again later."));
          }
          metrics.activationAccepted();
          if (!hashMode()) scheduler.tell(new Scheduler.Submitted(activationId, action));
          return activationId;
        })
        .thenCompose(id -> blocking ? awaitResult(id, waiter, wait, resultOnly) : done(accepted(id)));
    return answer.whenComplete((r, t) -> metrics.invokeLatency(blocking, Duration.ofNanos(System.nanoTime() - started)));
  }

  /**
   * kwhisk mode: to the action's topic, where its containers pull it. Hash mode (the baseline): to the home
   * invoker's activation topic ({@link PushRoute}); the scheduler is not told, as the invoker creates containers.
   */
  private CompletableFuture<?> queue(Action action, ActivationMessage message) {
    if (!hashMode()) {
      return publisher.send(Topics.actionTopic(action.fqn()), message.activationId(), Json.encode(message));
    }
    Optional<PushRoute.Target> target = PushRoute.of(action, message, view.get());
    if (target.isEmpty()) return CompletableFuture.failedFuture(new IllegalStateException("no healthy invoker"));
    return publisher.send(target.get().topic(), target.get().key(), target.get().value());
  }

  private boolean hashMode() {
    return config.scheduling() == SchedulingMode.HASH;
  }

  private CompletionStage<HttpResponse> awaitResult(
      String activationId, CompletableFuture<ActivationRecord> waiter, Duration wait, boolean resultOnly) {
    return waiter.completeOnTimeout(null, wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .thenApply(record -> {
          if (record == null) {
            waiters.cancel(activationId);
            return accepted(activationId);
          }
          Object body = resultOnly ? resultOf(record) : ActionJson.activation(record);
          return Responses.json(statusOf(record), body).addHeader(RawHeader.create(ACTIVATION_ID_HEADER, activationId));
        });
  }

  /** OpenWhisk's mapping: success 200, application and developer errors 502, platform errors 500. */
  static int statusOf(ActivationRecord record) {
    int code = record.response().statusCode();
    if (code == 0) return 200;
    if (code == 1 || code == 2) return 502;
    return 500;
  }

  static Object resultOf(ActivationRecord record) {
    return record.response().result() == null ? Json.object() : record.response().result();
  }

  private static HttpResponse accepted(String activationId) {
    return Responses.json(202, ActionJson.activationId(activationId))
        .addHeader(RawHeader.create(ACTIVATION_ID_HEADER, activationId));
  }

  private static FullyQualifiedName fqn(Identity who, String name) {
    try {
      return new FullyQualifiedName(who.namespace(), EntityName.require("action", name));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** The kinds actions may declare, for the API's info document. */
  List<String> kinds() {
    return config.kinds().stream().sorted().toList();
  }
}
