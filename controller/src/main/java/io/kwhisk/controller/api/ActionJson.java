package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationRecord;
import java.util.Map;

/**
 * Actions and activations in Apache OpenWhisk's JSON shapes, so the {@code wsk} CLI and OpenWhisk
 * client libraries read them unchanged. The revision stays internal; the instance bound is shown as
 * {@code limits.instances}, an extension OpenWhisk clients ignore.
 */
public final class ActionJson {
  private ActionJson() {}

  /**
   * The action document, as GET and PUT answer it; {@code includeCode} false omits the code (GET
   * ?code=false).
   */
  public static ObjectNode full(Action action, boolean includeCode) {
    ObjectNode out = common(action);
    Exec exec = action.exec();
    ObjectNode e = Json.object();
    e.put("kind", exec.kind());
    if (includeCode && exec.code() != null) e.put("code", exec.code());
    if (exec.image() != null) e.put("image", exec.image());
    if (exec.main() != null) e.put("main", exec.main());
    if (exec.components() != null) e.set("components", Json.MAPPER.valueToTree(exec.components()));
    e.put("binary", exec.binary());
    out.set("exec", e);
    ArrayNode parameters = keyValues(action.parameters());
    for (JsonNode kv : parameters) {
      if (action.initParameters().contains(kv.get("key").asText()))
        ((ObjectNode) kv).put("init", true);
    }
    out.set("parameters", parameters);
    return reorder(out);
  }

  /** An entry of the action list: metadata without code or parameters, as OpenWhisk lists. */
  public static ObjectNode summary(Action action) {
    ObjectNode out = common(action);
    ObjectNode e = Json.object();
    e.put("binary", action.exec().binary());
    out.set("exec", e);
    return reorder(out);
  }

  private static ObjectNode common(Action action) {
    ObjectNode out = Json.object();
    // As OpenWhisk shows an action in a package: namespace "ns/pkg", name "action".
    int slash = action.name().lastIndexOf('/');
    out.put(
        "namespace",
        slash < 0
            ? action.namespace()
            : action.namespace() + "/" + action.name().substring(0, slash));
    out.put("name", action.name().substring(slash + 1));
    out.put("version", action.version());
    out.set("annotations", keyValues(action.annotations()));
    ObjectNode limits = Json.object();
    limits.put("timeout", action.limits().timeout());
    limits.put("memory", action.limits().memory());
    limits.put("logs", action.limits().logs());
    limits.put("concurrency", action.limits().concurrency());
    limits.put("instances", action.instances());
    out.set("limits", limits);
    out.put("publish", action.publish());
    out.put("updated", action.updated());
    return out;
  }

  private static ObjectNode reorder(ObjectNode in) {
    ObjectNode out = Json.object();
    for (String field :
        new String[] {
          "namespace",
          "name",
          "version",
          "exec",
          "parameters",
          "annotations",
          "limits",
          "publish",
          "updated"
        }) {
      if (in.has(field)) out.set(field, in.get(field));
    }
    return out;
  }

  public static ArrayNode keyValues(Map<String, JsonNode> map) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    map.forEach(
        (k, v) -> {
          ObjectNode kv = out.addObject();
          kv.put("key", k);
          kv.set("value", v);
        });
    return out;
  }

  /** The full activation record, as GET /activations/{id} and a blocking invoke answer it. */
  public static ObjectNode activation(ActivationRecord record) {
    return Json.MAPPER.valueToTree(record);
  }

  /**
   * An entry of the activation list: the record without its result and logs, with its status code.
   */
  public static ObjectNode activationSummary(ActivationRecord record) {
    ObjectNode out = activation(record);
    out.remove("response");
    out.remove("logs");
    out.put("statusCode", record.response().statusCode());
    return out;
  }

  /**
   * {@code {"activationId": id}}, the answer of a non-blocking invoke or a blocking one that ran
   * out of time.
   */
  public static ObjectNode activationId(String id) {
    ObjectNode out = Json.object();
    out.put("activationId", id);
    return out;
  }
}
