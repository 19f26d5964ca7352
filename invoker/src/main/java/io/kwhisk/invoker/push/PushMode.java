package io.kwhisk.invoker.push;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.Replication;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.invoker.pool.PoolSettings;
import io.kwhisk.invoker.proxy.ProxyDeps;
import io.kwhisk.invoker.publish.Publisher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline ("hash") scheduling mode of an invoker, wired: its activation topic, the {@link
 * PushPool} (a system actor of the invoker's actor system) and the {@link PushFeed} that fills it.
 * In this mode the invoker's ordinary pool still reads its command topic but holds no containers
 * (controllers in hash mode ask for none), and its heartbeats are silenced ({@link
 * #withoutHeartbeats}) so that the push pool's are the only ones.
 */
public final class PushMode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PushMode.class);

  /** The feed pauses while this many activations queue in the pool. */
  static final int MAX_QUEUED = 10_000;

  private static final Duration SHUTDOWN = Duration.ofSeconds(60);

  private final int invokerId;
  private final PushFeed feed;
  private final ActorRef<PushPool.Command> pool;
  private final CompletableFuture<Void> stopped;

  private PushMode(
      int invokerId,
      PushFeed feed,
      ActorRef<PushPool.Command> pool,
      CompletableFuture<Void> stopped) {
    this.invokerId = invokerId;
    this.feed = feed;
    this.pool = pool;
    this.stopped = stopped;
  }

  /**
   * Creates the activation topic if needed, starts the pool in {@code system} and the feed. {@code
   * deps} are the ordinary pool's proxy collaborators; {@code publisher} is the one that publishes
   * heartbeats.
   */
  public static PushMode start(
      KafkaSettings kafka,
      PoolSettings settings,
      ProxyDeps deps,
      Publisher publisher,
      ActorSystem<?> system) {
    int invokerId = settings.invokerId();
    ensureTopic(kafka, invokerId);
    AtomicInteger queued = new AtomicInteger();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    ActorRef<PushPool.Command> pool =
        system.systemActorOf(
            PushPool.create(settings, deps, publisher, queued, stopped),
            "push-pool",
            Props.empty());
    PushFeed feed;
    try {
      feed =
          new PushFeed(
              kafka,
              invokerId,
              batch -> pool.tell(new PushPool.Received(batch)),
              queued::get,
              MAX_QUEUED);
    } catch (RuntimeException e) {
      pool.tell(PushPool.Shutdown.INSTANCE);
      throw e;
    }
    log.info(
        "Invoker {} runs in hash (baseline) mode: reading {}",
        invokerId,
        Topics.invokerActivationsTopic(invokerId));
    return new PushMode(invokerId, feed, pool, stopped);
  }

  /** False once the push feed failed (see {@link PushFeed#alive}). */
  public boolean alive() {
    return feed.alive();
  }

  /**
   * {@code publisher} for the ordinary pool in hash mode: everything but heartbeats, which the push
   * pool sends.
   */
  public static Publisher withoutHeartbeats(Publisher publisher) {
    return new Publisher() {
      @Override
      public CompletionStage<Void> completion(int controllerId, CompletionMessage completion) {
        return publisher.completion(controllerId, completion);
      }

      @Override
      public int maxCompletionBytes() {
        return publisher.maxCompletionBytes();
      }

      @Override
      public CompletionStage<Void> activation(
          FullyQualifiedName action, ActivationMessage activation) {
        return publisher.activation(action, activation);
      }

      @Override
      public CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void close() {
        publisher.close();
      }
    };
  }

  /**
   * Graceful: no more activations are read, running ones finish and are published, containers are
   * removed.
   */
  @Override
  public void close() {
    feed.close();
    pool.tell(PushPool.Shutdown.INSTANCE);
    try {
      stopped.get(SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("Push pool of invoker {} did not stop in {} s", invokerId, SHUTDOWN.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void ensureTopic(KafkaSettings kafka, int invokerId) {
    String topic = Topics.invokerActivationsTopic(invokerId);
    try (Admin admin = Admin.create(kafka.clientConfig("invoker" + invokerId + "-push-admin"))) {
      admin
          .createTopics(
              List.of(
                  Replication.discover(admin, Replication.AUTO, Duration.ofSeconds(30))
                      .newTopic(topic, 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create topic " + topic + ": " + e.getCause(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topic, e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer while creating " + topic, e);
    }
  }
}
