package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT .../actions/{name}}, parsed and checked: OpenWhisk's {@code
 * WhiskActionPut}, where every field is optional (null when absent) so that an update keeps what it
 * does not mention. Parsing throws {@link ApiError} (400) with a message naming the offending
 * field.
 */
public record ActionPut(
    Exec exec,
    Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations,
    Integer timeout,
    Integer memory,
    Integer logs,
    Integer concurrency,
    Integer instances,
    String version,
    Boolean publish,
    List<String> delAnnotations,
    Set<String> initParameters) {

  /**
   * The most containers one action may ask for with {@code limits.instances} (kwhisk's extension of
   * OpenWhisk's limits; absent means {@link Action#DEFAULT_INSTANCES}).
   */
  public static final int MAX_INSTANCES = 1000;

  private static final Pattern SEMVER = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

  /** The annotation OpenWhisk adds to every action, naming its kind. */
  public static final String EXEC_ANNOTATION = "exec";

  /**
   * Whether the action gets its caller's key ({@code __OW_API_KEY}). OpenWhisk adds it as false to
   * every new action that does not set it, and treats an action without it (one created before the
   * annotation existed) as true.
   */
  public static final String PROVIDE_API_KEY = "provide-api-key";

  /**
   * OpenWhisk's largest exec ({@code Exec.sizeLimit}, 48 MB): the UTF-8 bytes of the code (base64
   * text for a zip or jar) and of the entry point. Larger is 413, as OpenWhisk answers.
   */
  public static final long MAX_EXEC_BYTES = 48L * 1024 * 1024;

  /**
   * The largest body of an action's {@code PUT}: the largest exec plus room for its JSON,
   * parameters and annotations, so that an exec just over the limit is still read and refused with
   * OpenWhisk's message.
   */
  public static final long MAX_BODY_BYTES = MAX_EXEC_BYTES + 2L * 1024 * 1024;

  public static ActionPut parse(byte[] body, Set<String> kinds) {
    JsonNode root = readObject(body);
    Exec exec = root.hasNonNull("exec") ? ExecParser.parse(root.get("exec"), kinds) : null;
    Map<String, JsonNode> parameters =
        root.hasNonNull("parameters") ? keyValues("parameters", root.get("parameters")) : null;
    Set<String> initParameters = parameters == null ? null : initKeys(root.get("parameters"));
    Map<String, JsonNode> annotations =
        root.hasNonNull("annotations") ? keyValues("annotations", root.get("annotations")) : null;
    Integer timeout = null, memory = null, logs = null, concurrency = null, instances = null;
    if (root.hasNonNull("limits")) {
      JsonNode limits = root.get("limits");
      if (!limits.isObject()) throw ApiError.badRequest("The field 'limits' must be an object.");
      timeout = limit(limits, "timeout");
      memory = limit(limits, "memory");
      logs = limit(limits, "logs");
      concurrency = limit(limits, "concurrency");
      instances = limit(limits, "instances");
      if (instances != null && (instances < 1 || instances > MAX_INSTANCES)) {
        throw ApiError.badRequest(
            "The instances limit "
                + instances
                + " is out of range: it must be between 1 and "
                + MAX_INSTANCES
                + ".");
      }
      try {
        ActionLimits.of(timeout, memory, logs, concurrency).validate();
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(e.getMessage());
      }
    }
    String version = null;
    if (root.hasNonNull("version")) {
      JsonNode v = root.get("version");
      if (!v.isTextual() || !SEMVER.matcher(v.asText()).matches()) {
        throw ApiError.badRequest("The field 'version' must be a semantic version such as 0.0.1.");
      }
      version = v.asText();
    }
    Boolean publish = null;
    if (root.hasNonNull("publish")) {
      if (!root.get("publish").isBoolean())
        throw ApiError.badRequest("The field 'publish' must be a boolean.");
      publish = root.get("publish").asBoolean();
    }
    List<String> delAnnotations = List.of();
    if (root.hasNonNull("delAnnotations")) {
      JsonNode d = root.get("delAnnotations");
      if (!d.isArray())
        throw ApiError.badRequest("The field 'delAnnotations' must be an array of strings.");
      List<String> keys = new ArrayList<>();
      for (JsonNode k : d) {
        if (!k.isTextual())
          throw ApiError.badRequest("The field 'delAnnotations' must be an array of strings.");
        keys.add(k.asText());
      }
      delAnnotations = List.copyOf(keys);
    }
    return new ActionPut(
        exec,
        parameters,
        annotations,
        timeout,
        memory,
        logs,
        concurrency,
        instances,
        version,
        publish,
        delAnnotations,
        initParameters);
  }

  /**
   * The action this request makes: a new one, or {@code existing} updated with the fields given
   * (OpenWhisk's merge: absent fields keep their values, annotations are merged into the stored
   * ones after removing those named by {@code delAnnotations}, the version's patch number is
   * raised, the exec annotation follows the kind). A new action gets {@code provide-api-key: false}
   * unless the request sets it, as in OpenWhisk.
   */
  public Action toAction(
      String namespace, String name, Optional<Action> existing, String revision, long now) {
    Exec newExec =
        exec != null
            ? exec
            : existing
                .map(Action::exec)
                .orElseThrow(
                    () -> ApiError.badRequest("The field 'exec' is required to create an action."));
    ActionLimits base = existing.map(Action::limits).orElse(ActionLimits.DEFAULT);
    ActionLimits limits =
        new ActionLimits(
            timeout != null ? timeout : base.timeout(),
            memory != null ? memory : base.memory(),
            logs != null ? logs : base.logs(),
            concurrency != null ? concurrency : base.concurrency());
    Map<String, JsonNode> params =
        parameters != null ? parameters : existing.map(Action::parameters).orElse(Map.of());
    Set<String> init =
        parameters != null ? initParameters : existing.map(Action::initParameters).orElse(Set.of());
    // OpenWhisk's update: the stored annotations less delAnnotations, then the request's on top.
    Map<String, JsonNode> notes =
        new LinkedHashMap<>(existing.map(Action::annotations).orElse(Map.of()));
    delAnnotations.forEach(notes::remove);
    if (annotations != null) notes.putAll(annotations);
    notes.put(EXEC_ANNOTATION, Json.MAPPER.getNodeFactory().textNode(newExec.kind()));
    if (existing.isEmpty()) notes.putIfAbsent(PROVIDE_API_KEY, BooleanNode.FALSE);
    String newVersion =
        version != null ? version : existing.map(a -> upPatch(a.version())).orElse("0.0.1");
    boolean newPublish = publish != null ? publish : existing.map(Action::publish).orElse(false);
    int newInstances =
        instances != null
            ? instances
            : existing.map(Action::instances).orElse(Action.DEFAULT_INSTANCES);
    return new Action(
        namespace,
        name,
        revision,
        newVersion,
        newExec,
        params,
        notes,
        limits,
        newInstances,
        newPublish,
        now,
        init);
  }

  /**
   * OpenWhisk's reading of {@link #PROVIDE_API_KEY}: absent is true, else the value's truthiness.
   */
  static boolean providesApiKey(Action action) {
    return truthy(action.annotations().get(PROVIDE_API_KEY), true);
  }

  /** OpenWhisk's {@code isTruthy} of an annotation's value; {@code absent} when there is none. */
  public static boolean truthy(JsonNode v, boolean absent) {
    if (v == null) return absent;
    if (v.isBoolean()) return v.booleanValue();
    if (v.isNumber()) return v.doubleValue() != 0;
    if (v.isTextual()) return !v.textValue().isEmpty();
    return !v.isNull();
  }

  public static String upPatch(String version) {
    Matcher m = SEMVER.matcher(version == null ? "" : version);
    if (!m.matches()) return "0.0.1";
    return m.group(1) + "." + m.group(2) + "." + (Long.parseLong(m.group(3)) + 1);
  }

  /** Parses a request body that must be one JSON object. */
  public static JsonNode readObject(byte[] body) {
    if (body == null || body.length == 0)
      throw ApiError.badRequest("The request content was malformed: it is empty.");
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiError.badRequest("The request content was malformed: it is not valid JSON.");
    }
    if (root == null || !root.isObject()) {
      throw ApiError.badRequest("The request content was malformed: it must be a JSON object.");
    }
    return root;
  }

  /**
   * The string at {@code path}'s last segment of {@code parent}, null when absent; 400 if not a
   * string.
   */
  static String text(JsonNode parent, String path) {
    JsonNode v = parent.get(path.substring(path.lastIndexOf('.') + 1));
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw ApiError.badRequest("The field '" + path + "' must be a string.");
    return v.asText();
  }

  private static Integer limit(JsonNode limits, String field) {
    JsonNode v = limits.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.badRequest("The field 'limits." + field + "' must be an integer.");
    }
    return v.asInt();
  }

  /**
   * The keys of the parameters marked {@code "init": true} (given to {@code /init}, as OpenWhisk
   * does).
   */
  private static Set<String> initKeys(JsonNode parameters) {
    Set<String> keys = new java.util.LinkedHashSet<>();
    for (JsonNode kv : parameters) {
      JsonNode init = kv.get("init");
      if (init == null || init.isNull()) continue;
      if (!init.isBoolean())
        throw ApiError.badRequest("The field 'init' of a parameter must be a boolean.");
      if (init.booleanValue()) keys.add(kv.get("key").asText());
    }
    return keys;
  }

  /** OpenWhisk's {@code [{"key": k, "value": v}, ...]}, in order; a later duplicate key wins. */
  public static Map<String, JsonNode> keyValues(String field, JsonNode node) {
    if (!node.isArray())
      throw ApiError.badRequest("The field '" + field + "' must be an array of {key, value}.");
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      JsonNode kv = it.next();
      if (!kv.isObject() || !kv.hasNonNull("key") || !kv.get("key").isTextual()) {
        throw ApiError.badRequest(
            "Each entry of '" + field + "' must be an object with a string 'key'.");
      }
      JsonNode value = kv.get("value");
      out.put(kv.get("key").asText(), value == null ? NullNode.getInstance() : value);
    }
    return out;
  }
}
