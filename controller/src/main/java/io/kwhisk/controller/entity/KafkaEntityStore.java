package io.kwhisk.controller.entity;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The entity store on the compacted {@link Topics#ENTITIES} topic. {@link #open} reads the topic to
 * its end before returning, so a restarted controller knows every action, package, trigger, rule
 * and namespace; a reader thread then follows the topic so that several controllers share one
 * store. A write is produced (acks=all) and applied to the view at its offset once acknowledged; a
 * delete is a tombstone.
 */
public final class KafkaEntityStore implements EntityStore, AutoCloseable {
  private final EntityView view = new EntityView();
  private final RecordSender publisher;
  private final TopicReader reader;

  private KafkaEntityStore(KafkaSettings kafka, RecordSender publisher, String clientId) {
    this.publisher = publisher;
    this.reader = new TopicReader(kafka, clientId, Topics.ENTITIES, Long.MAX_VALUE, this::onRecord);
  }

  /** Opens the store and waits until it holds everything the topic held; the topic must exist. */
  public static KafkaEntityStore open(
      KafkaSettings kafka, RecordSender publisher, String clientId, Duration wait)
      throws InterruptedException, TimeoutException {
    return open(kafka, publisher, clientId, wait, new io.kwhisk.controller.kafka.ReaderHealth());
  }

  /**
   * As {@link #open(KafkaSettings, RecordSender, String, Duration)}, reporting the reader's health
   * as "entities".
   */
  public static KafkaEntityStore open(
      KafkaSettings kafka,
      RecordSender publisher,
      String clientId,
      Duration wait,
      io.kwhisk.controller.kafka.ReaderHealth health)
      throws InterruptedException, TimeoutException {
    KafkaEntityStore store = new KafkaEntityStore(kafka, publisher, clientId);
    store.reader.watchedBy(health, "entities").start();
    try {
      store.reader.caughtUp().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      store.reader.close();
      throw new IllegalStateException(
          "cannot read the entities topic: " + e.getCause(), e.getCause());
    } catch (TimeoutException | InterruptedException e) {
      store.reader.close();
      throw e;
    }
    return store;
  }

  private void onRecord(ConsumerRecord<String, byte[]> record) {
    view.apply(record.key(), record.offset(), decode(record.key(), record.value()));
  }

  static Object decode(String key, byte[] value) {
    if (value == null) return null;
    if (key.startsWith(EntityKeys.ACTION)) return Json.decode(value, Action.class);
    if (key.startsWith(EntityKeys.NAMESPACE)) return Json.decode(value, NamespaceEntry.class);
    if (key.startsWith(EntityKeys.PACKAGE)) return Json.decode(value, PackageEntry.class);
    if (key.startsWith(EntityKeys.TRIGGER)) return Json.decode(value, TriggerEntry.class);
    if (key.startsWith(EntityKeys.RULE)) return Json.decode(value, RuleEntry.class);
    if (key.startsWith(EntityKeys.ALARM)) return Json.decode(value, AlarmEntry.class);
    throw new IllegalArgumentException("unknown entity key " + key);
  }

  @Override
  public Optional<Action> action(FullyQualifiedName fqn) {
    return view.action(EntityKeys.action(fqn));
  }

  @Override
  public List<Action> actions(String namespace) {
    return view.actions(EntityKeys.actionsOf(namespace));
  }

  @Override
  public Optional<NamespaceEntry> namespace(String namespace) {
    return view.namespace(EntityKeys.namespace(namespace));
  }

  @Override
  public List<NamespaceEntry> namespaces() {
    return view.namespaces();
  }

  @Override
  public Optional<NamespaceEntry> namespaceByUuid(String uuid) {
    return view.namespaceByUuid(uuid);
  }

  @Override
  public CompletionStage<Void> put(Action action) {
    return write(EntityKeys.action(action.fqn()), action);
  }

  @Override
  public CompletionStage<Void> delete(FullyQualifiedName fqn) {
    return write(EntityKeys.action(fqn), null);
  }

  @Override
  public CompletionStage<Void> put(NamespaceEntry namespace) {
    return write(EntityKeys.namespace(namespace.namespace()), namespace);
  }

  @Override
  public <T> Optional<T> get(String key, Class<T> type) {
    return view.get(key, type);
  }

  @Override
  public <T> List<T> list(String prefix, Class<T> type) {
    return view.list(prefix, type);
  }

  @Override
  public CompletionStage<Void> write(String key, Object value) {
    byte[] bytes = value == null ? null : Json.encode(value);
    return publisher
        .send(Topics.ENTITIES, key, bytes)
        .thenAccept(meta -> view.apply(key, meta.offset(), value));
  }

  @Override
  public void close() {
    reader.close();
  }
}
