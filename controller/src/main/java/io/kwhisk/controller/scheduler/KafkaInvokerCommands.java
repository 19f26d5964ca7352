package io.kwhisk.controller.scheduler;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.ContainerKeepAlive;
import io.kwhisk.common.message.InvokerCommand;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.kafka.TopicAdmin;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces commands to {@code invoker<N>} (key: the action's path). The topic is created on first
 * use, so a command for an invoker that has not created its topic yet is not lost. A failed send is
 * logged: a lost creation is retried by the scheduler once its in-flight entry times out, a lost
 * deletion leaves containers to their keep-alive.
 */
public final class KafkaInvokerCommands implements InvokerCommands {
  private static final Logger log = LoggerFactory.getLogger(KafkaInvokerCommands.class);

  private final RecordSender publisher;
  private final TopicAdmin topics;
  private final Set<Integer> topicKnown = ConcurrentHashMap.newKeySet();

  public KafkaInvokerCommands(RecordSender publisher, TopicAdmin topics) {
    this.publisher = publisher;
    this.topics = topics;
  }

  @Override
  public void send(int invokerId, InvokerCommand command) {
    String topic = Topics.invokerTopic(invokerId);
    byte[] value = Json.encode(command);
    String key = key(command);
    var ready =
        topicKnown.contains(invokerId)
            ? java.util.concurrent.CompletableFuture.<Void>completedFuture(null)
            : topics.ensureTopic(topic).thenRun(() -> topicKnown.add(invokerId));
    ready
        .thenCompose(v -> publisher.send(topic, key, value))
        .whenComplete(
            (meta, error) -> {
              if (error != null)
                log.warn(
                    "cannot send {} to {}: {}",
                    command.getClass().getSimpleName(),
                    topic,
                    error.toString());
              else
                log.debug("sent {} for {} to {}", command.getClass().getSimpleName(), key, topic);
            });
  }

  static String key(InvokerCommand command) {
    if (command instanceof ContainerCreation c) return c.action().fqn().path();
    if (command instanceof ContainerKeepAlive k) return k.actionPath();
    ContainerDeletion d = (ContainerDeletion) command;
    return d.namespace() + "/" + d.actionName();
  }
}
