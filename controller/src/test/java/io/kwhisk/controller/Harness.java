package io.kwhisk.controller;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.broker.EmbeddedKafka;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.topic.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An embedded broker, a controller on a free port with a {@code guest} namespace, an HTTP client,
 * and the test's own Kafka clients to play the invoker's side of the wire.
 */
public final class Harness implements AutoCloseable {
  final Path dir;
  EmbeddedKafka kafka;
  final Map<String, String> overrides;
  public final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final KafkaProducer<String, byte[]> producer;
  Controller controller;
  String guest;
  org.apache.kafka.clients.admin.Admin admin;

  private Harness(Map<String, String> overrides) throws IOException {
    this.dir = Files.createTempDirectory("kwhisk-controller-it");
    this.kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    this.overrides = new HashMap<>(overrides);
    this.overrides.put("kwhisk.kafka.bootstrap-servers", kafka.bootstrapServers());
    this.overrides.putIfAbsent(ControllerConfig.PORT, "0");
    this.overrides.putIfAbsent(ControllerConfig.HOST, "127.0.0.1");
    // The activation stores of this harness's controllers (one per id), kept across restarts.
    this.overrides.putIfAbsent(
        io.kwhisk.controller.activation.ActivationStoreSettings.DATA_DIR,
        dir.resolve("controllers").toString());
    // The ITs drive far more than OpenWhisk's 120 invocations a minute; a test of that limit sets
    // it.
    this.overrides.putIfAbsent(
        io.kwhisk.controller.throttle.AdmissionSettings.NAMESPACE_PER_MINUTE, "0");
    this.producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  public static Harness start(Map<String, String> overrides) throws Exception {
    Harness h = new Harness(overrides);
    try {
      h.startController();
      h.guest = h.controller.ensureNamespace("guest").orElseThrow();
      return h;
    } catch (Exception e) {
      h.close();
      throw e;
    }
  }

  public void startController() throws Exception {
    controller = Controller.start(ControllerConfig.from(ConfigSource.of(overrides)));
  }

  /** Another controller on the same broker, with its own id and port; the caller closes it. */
  public Controller startAnother(int id) throws Exception {
    Map<String, String> more = new HashMap<>(overrides);
    more.put(ControllerConfig.ID, String.valueOf(id));
    return Controller.start(ControllerConfig.from(ConfigSource.of(more)));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + controller.port() + path;
  }

  public static String basic(String credentials) {
    return "Basic "
        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
  }

  public HttpRequest request(String method, String path, String body, String credentials) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (credentials != null) b.header("Authorization", basic(credentials));
    return b.build();
  }

  public HttpResponse<String> call(String method, String path, String body, String credentials)
      throws Exception {
    return http.send(
        request(method, path, body, credentials), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> call(String method, String path, String body) throws Exception {
    return call(method, path, body, guest);
  }

  public CompletableFuture<HttpResponse<String>> callAsync(
      String method, String path, String body) {
    return http.sendAsync(request(method, path, body, guest), HttpResponse.BodyHandlers.ofString());
  }

  public static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  public HttpResponse<String> createAction(String name, String body) throws Exception {
    return call("PUT", "/api/v1/namespaces/_/actions/" + name, body);
  }

  public static String nodeAction(String code) {
    return "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":\"" + code + "\"}}";
  }

  public void publish(String topic, String key, Object value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, Json.encode(value))).get();
  }

  public void heartbeat(int invokerId, Map<String, Integer> containers) throws Exception {
    publish(
        Topics.HEALTH,
        String.valueOf(invokerId),
        new InvokerHeartbeat(
            invokerId,
            4096,
            4096,
            containers.values().stream().mapToInt(Integer::intValue).sum(),
            containers,
            0,
            System.currentTimeMillis()));
  }

  /**
   * A consumer of every partition of {@code topic} from its beginning. A topic created a moment ago
   * may not be in a new client's first metadata yet (its partition list is empty): wait until it
   * is.
   */
  public KafkaConsumer<String, byte[]> reader(String topic) {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.auto.commit", "false"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> parts =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList(),
                found -> !found.isEmpty());
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    return consumer;
  }

  /** Waits until {@code consumer} yields a record whose key is {@code key}. */
  public static ConsumerRecord<String, byte[]> awaitRecord(
      KafkaConsumer<String, byte[]> consumer, String key) {
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (key == null || key.equals(r.key())) found.add(r);
              }
              return !found.isEmpty();
            });
    return found.get(0);
  }

  /**
   * Plays the invoker for one activation: publishes its completion (its record) to the controller.
   */
  public ActivationRecord complete(
      ActivationMessage message, ActivationResponse response, List<String> logs) throws Exception {
    long now = System.currentTimeMillis();
    ActivationRecord record =
        new ActivationRecord(
            message.namespace(),
            message.actionName(),
            "0.0.1",
            message.subject(),
            message.activationId(),
            now - 5,
            now,
            5,
            response.statusCode(),
            response,
            logs,
            List.of(),
            false);
    publish(
        Topics.completedTopic(message.controllerId()),
        message.activationId(),
        new CompletionMessage(message.activationId(), 7, "container-1", record));
    return record;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public Controller controller() {
    return controller;
  }

  public String guest() {
    return guest;
  }

  /** An admin client on the broker, closed with the harness. */
  public synchronized org.apache.kafka.clients.admin.Admin admin() {
    if (admin == null)
      admin =
          org.apache.kafka.clients.admin.Admin.create(
              Map.of("bootstrap.servers", kafka.bootstrapServers()));
    return admin;
  }

  /**
   * Stops the broker (its data stays), for outage tests; {@link #restartKafka()} brings it back.
   */
  public void stopKafka() {
    kafka.close();
  }

  /** Starts the broker again on its data and client port, so every client reconnects to it. */
  public void restartKafka() {
    int port =
        Integer.parseInt(
            kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
    kafka = EmbeddedKafka.start(kafka.dataDir(), port, Map.of());
  }

  /** Stops the controller only (the broker keeps its data), for restart tests. */
  public void stopController() {
    controller.close();
    controller = null;
  }

  @Override
  public void close() {
    if (admin != null) admin.close();
    if (controller != null) controller.close();
    producer.close();
    kafka.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
