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
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.activation.QueueDrain;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.entity.CodeStore;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.hash.PushRoute;
import io.kwhisk.controller.kafka.TopicAdmin;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.InvokerCommands;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.sequence.KafkaSequenceJournal;
import io.kwhisk.controller.sequence.SequenceCheck;
import io.kwhisk.controller.sequence.SequenceException;
import io.kwhisk.controller.sequence.SequenceRunner;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actions collection: create/update, get, delete, list and invoke. Handlers return a future
 * answer and never block: entity reads are in memory, Kafka writes complete through their
 * acknowledgements.
 */
public final class ActionsApi {
  private static final Logger log = LoggerFactory.getLogger(ActionsApi.class);
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
  private final PackageResolver packages;
  private final SequenceRunner sequences;
  private final QueueDrain drain;
  private final CodeStore code;

  /** {@code packages} resolves {@code package/action} names, through bindings. */
  public ActionsApi(
      ControllerConfig config,
      EntityStore store,
      TopicAdmin topics,
      RecordSender publisher,
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
    this.packages = packages;
    this.code = code;
    this.drain = drain;
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
    this.sequences =
        new SequenceRunner(
            new SequenceComponents(this, packages, waiters),
            this::publishRecord,
            new KafkaSequenceJournal(publisher),
            config.id(),
            clock);
  }

  /**
   * A record the controller made (a sequence's) goes where invokers write theirs, this controller's
   * completions topic: durable, seen by every controller's activation store, and its completion
   * wakes the blocking caller.
   */
  public CompletionStage<Void> publishRecord(ActivationRecord record) {
    CompletionMessage message = new CompletionMessage(record.activationId(), -1, null, record);
    return publisher
        .send(Topics.completedTopic(config.id()), record.activationId(), Json.encode(message))
        .<Void>thenApply(meta -> null)
        .whenComplete(
            (ok, error) -> {
              if (error != null)
                log.warn(
                    "record {} could not be written: {}", record.activationId(), error.toString());
            });
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
        .thenCompose(v -> code.store(action))
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
        hashMode() ? CompletableFuture.completedFuture(null) : drain.noted(action);
    return noted
        .thenCompose(n -> store.delete(fqn))
        .thenApply(
            v -> {
              code.discard(action, null);
              scheduler.tell(new Scheduler.ActionDeleted(fqn.path()));
              admission.forget(fqn.path());
              ContainerDeletion retire = new ContainerDeletion(fqn.namespace(), fqn.name(), null);
              view.get().healthy().keySet().forEach(id -> commands.send(id, retire));
              if (!hashMode()) drain.drain(action, clock.millis());
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
   * POST: invokes. Admission first: over the namespace's concurrency or the action's backlog limit
   * it answers 429 with {@code Retry-After}. The activation is on the action's topic (in hash mode:
   * its home invoker's) before the answer (202 with its id, or the result of a blocking call); a
   * failed produce answers 503 and nothing was accepted. A blocking call that outlives its wait
   * answers 202: the activation still runs and is recorded. {@code transactionId} is the request's
   * ({@code X-Request-ID}, see {@link ApiHeaders}), the action's {@code __OW_TRANSACTION_ID}.
   */
  public CompletionStage<HttpResponse> invoke(
      Identity who, String name, Map<String, String> query, byte[] body, String transactionId) {
    return invoke(who, fqn(who, name), query, body, transactionId);
  }

  /**
   * Invokes {@code fqn} as {@code who}: an action of its own namespace, or one in another
   * namespace's public package, which runs as the caller's activation (its record in the caller's
   * namespace, as OpenWhisk does).
   */
  public CompletionStage<HttpResponse> invoke(
      Identity who,
      FullyQualifiedName fqn,
      Map<String, String> query,
      byte[] body,
      String transactionId) {
    long started = System.nanoTime();
    PackageResolver.Resolved resolved = packages.resolveFor(who.namespace(), fqn);
    Action action = resolved.effective();
    boolean blocking = "true".equalsIgnoreCase(query.get("blocking"));
    boolean resultOnly = "true".equalsIgnoreCase(query.get("result"));
    Duration wait = InvokeParameters.blockingWait(query.get("timeout"), config.blockingWait());
    JsonNode params = InvokeParameters.merge(action, InvokeParameters.parse(body));
    CompletionStage<HttpResponse> answer;
    if (action.exec().isSequence()) {
      // Run by this controller; its record reaches completed<C> like any other, which wakes the
      // waiter.
      String activationId = ActivationIds.next();
      CompletableFuture<ActivationRecord> waiter = blocking ? waiters.register(activationId) : null;
      sequences.start(who, action, params, activationId, transactionId);
      answer =
          blocking
              ? awaitResult(activationId, waiter, wait, resultOnly)
              : done(accepted(activationId));
    } else {
      Submitted submitted =
          submit(
              who,
              action,
              params,
              blocking,
              transactionId,
              ActivationIds.next(),
              null,
              resolved.binding());
      answer =
          submitted
              .queued()
              .thenCompose(
                  id ->
                      blocking
                          ? awaitResult(id, submitted.waiter(), wait, resultOnly)
                          : done(accepted(id)));
    }
    return answer.whenComplete(
        (r, t) -> metrics.invokeLatency(blocking, Duration.ofNanos(System.nanoTime() - started)));
  }

  /**
   * A non-blocking activation of {@code action} (resolved; a sequence runs here) with {@code body}
   * merged over its parameters as an invoke's body is ({@code final} enforced): completes with its
   * id once it is queued, fails with the {@link ApiError} an invoke would answer. A trigger's rules
   * fire their actions this way.
   */
  public CompletionStage<String> start(
      Identity who, Action action, JsonNode body, String transactionId) {
    JsonNode params = InvokeParameters.merge(action, body);
    String activationId = ActivationIds.next();
    if (action.exec().isSequence()) {
      sequences.start(who, action, params, activationId, transactionId);
      return CompletableFuture.completedFuture(activationId);
    }
    return submit(who, action, params, false, transactionId, activationId, null).queued();
  }

  /** An activation's id and its record, null when the record did not come within the wait. */
  public record Waited(String activationId, ActivationRecord record) {}

  /**
   * A blocking activation of {@code action} (resolved; a sequence runs here) with {@code params} as
   * its final parameters: completes with its record, or without one after {@code wait}; fails with
   * the {@link ApiError} an invoke would answer. Web actions run this way.
   */
  public CompletionStage<Waited> runAndWait(
      Identity who, Action action, JsonNode params, String transactionId, Duration wait) {
    String activationId = ActivationIds.next();
    CompletionStage<String> queued;
    CompletableFuture<ActivationRecord> waiter;
    if (action.exec().isSequence()) {
      waiter = waiters.register(activationId);
      sequences.start(who, action, params, activationId, transactionId);
      queued = CompletableFuture.completedFuture(activationId);
    } else {
      Submitted submitted = submit(who, action, params, true, transactionId, activationId, null);
      waiter = submitted.waiter();
      queued = submitted.queued();
    }
    return queued
        .thenCompose(id -> waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS))
        .thenApply(
            record -> {
              if (record == null) waiters.cancel(activationId);
              return new Waited(activationId, record);
            });
  }

  /**
   * An activation that was admitted: {@code queued} completes with its id once it is on its topic
   * (or fails with the answer to give), {@code waiter} (null unless blocking) with its record.
   */
  record Submitted(CompletionStage<String> queued, CompletableFuture<ActivationRecord> waiter) {}

  /**
   * One activation of {@code action} (resolved, its parameters final): admission, then its message
   * on the action's topic. Throws {@link ApiError} when no invoker can run it or a limit refuses
   * it. {@code cause} is the id of the sequence activation it belongs to, or null.
   */
  Submitted submit(
      Identity who,
      Action action,
      JsonNode params,
      boolean blocking,
      String transactionId,
      String activationId,
      String cause) {
    return submit(who, action, params, blocking, transactionId, activationId, cause, null);
  }

  /**
   * As above, for an action the caller named through the package binding {@code binding} ({@code
   * ns/name}).
   */
  Submitted submit(
      Identity who,
      Action action,
      JsonNode params,
      boolean blocking,
      String transactionId,
      String activationId,
      String cause,
      String binding) {
    FullyQualifiedName fqn = action.fqn();
    SchedulerView now = view.get();
    if (!now.hasHealthyInvoker() && now.containers(fqn.path()) == 0) {
      metrics.invokeRejected("no_invokers");
      throw ApiError.unavailable("No invokers available to run the action; try again later.");
    }
    Optional<Rejection> refused = admission.admit(activationId, action);
    if (refused.isPresent()) {
      metrics.invokeRejected(refused.get().limit().tag());
      throw ApiError.tooManyRequests(refused.get().message(), refused.get().retryAfterSeconds());
    }
    ActivationMessage message =
        new ActivationMessage(
            activationId,
            transactionId,
            fqn.namespace(),
            fqn.name(),
            action.revision(),
            who.namespace(),
            params,
            blocking,
            config.id(),
            clock.millis(),
            ActionPut.providesApiKey(action) ? who.authKey() : null,
            cause,
            binding);
    CompletableFuture<ActivationRecord> waiter = blocking ? waiters.register(activationId) : null;
    CompletionStage<String> queued =
        queue(action, message)
            .handle(
                (meta, error) -> {
                  if (error != null) {
                    waiters.cancel(activationId);
                    admission.release(activationId);
                    metrics.invokeRejected("kafka");
                    Throwable failure = Responses.unwrap(error);
                    if (failure instanceof RecordTooLargeException)
                      throw new CompletionException(failure);
                    throw new CompletionException(
                        ApiError.unavailable(
                            "The activation could not be queued; try again later."));
                  }
                  metrics.activationAccepted();
                  if (!hashMode()) scheduler.tell(new Scheduler.Submitted(activationId, action));
                  return activationId;
                });
    return new Submitted(queued, waiter);
  }

  /**
   * kwhisk mode: to the action's topic, where its containers pull it. Hash mode (the baseline): to
   * the home invoker's activation topic ({@link PushRoute}); the scheduler is not told, as the
   * invoker creates containers.
   */
  private CompletableFuture<?> queue(Action action, ActivationMessage message) {
    if (!hashMode()) {
      return publisher.send(
          Topics.actionTopic(action.fqn()), message.activationId(), Json.encode(message));
    }
    Optional<PushRoute.Target> target = PushRoute.of(action, message, view.get());
    if (target.isEmpty())
      return CompletableFuture.failedFuture(new IllegalStateException("no healthy invoker"));
    return publisher.send(target.get().topic(), target.get().key(), target.get().value());
  }

  private boolean hashMode() {
    return config.scheduling() == SchedulingMode.HASH;
  }

  private CompletionStage<HttpResponse> awaitResult(
      String activationId,
      CompletableFuture<ActivationRecord> waiter,
      Duration wait,
      boolean resultOnly) {
    return waiter
        .completeOnTimeout(null, wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .thenApply(
            record -> {
              if (record == null) {
                waiters.cancel(activationId);
                return accepted(activationId);
              }
              Object body = resultOnly ? resultOf(record) : ActionJson.activation(record);
              return Responses.json(statusOf(record), body)
                  .addHeader(RawHeader.create(ACTIVATION_ID_HEADER, activationId));
            });
  }

  /**
   * OpenWhisk's mapping: success 200, application and developer errors 502, platform errors 500.
   */
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
    return PackageResolver.fqn(who.namespace(), name);
  }

  static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** Runs sequences for this controller's callers. */
  public SequenceRunner sequences() {
    return sequences;
  }

  /** The kinds actions may declare, for the API's info document. */
  List<String> kinds() {
    return config.kinds().stream().sorted().toList();
  }
}
