package io.kwhisk.controller.api.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.controller.api.ActionJson;
import io.kwhisk.controller.entity.PackageEntry;
import java.util.List;
import java.util.Map;

/**
 * Packages in OpenWhisk's JSON shapes: {@code binding} is {@code {}} for a package that is not a
 * binding.
 */
final class PackageJson {
  /** The annotation that marks an action as a feed: such actions are listed under {@code feeds}. */
  static final String FEED_ANNOTATION = "feed";

  private PackageJson() {}

  static ObjectNode binding(PackageEntry.Binding binding) {
    ObjectNode out = Json.object();
    if (binding != null) {
      out.put("namespace", binding.namespace());
      out.put("name", binding.name());
    }
    return out;
  }

  /** An entry of the package list. */
  static ObjectNode summary(PackageEntry p) {
    ObjectNode out = Json.object();
    out.put("namespace", p.namespace());
    out.put("name", p.name());
    out.put("version", p.version());
    out.put("publish", p.publish());
    out.set("annotations", ActionJson.keyValues(p.annotations()));
    out.set("binding", binding(p.binding()));
    out.put("updated", p.updated());
    return out;
  }

  /** The package document as PUT and DELETE answer it. */
  static ObjectNode full(PackageEntry p) {
    return full(p, p.parameters());
  }

  static ObjectNode full(PackageEntry p, Map<String, JsonNode> parameters) {
    ObjectNode out = Json.object();
    out.put("namespace", p.namespace());
    out.put("name", p.name());
    out.put("version", p.version());
    out.put("publish", p.publish());
    out.set("binding", binding(p.binding()));
    out.set("parameters", ActionJson.keyValues(parameters));
    out.set("annotations", ActionJson.keyValues(p.annotations()));
    out.put("updated", p.updated());
    return out;
  }

  /**
   * GET's answer: the package (for a binding: the binding, its parameters layered over the bound
   * package's) with the actions of the package that holds them, feeds apart.
   */
  static ObjectNode withActions(
      PackageEntry p, Map<String, JsonNode> parameters, List<Action> actions) {
    ObjectNode out = full(p, parameters);
    ArrayNode plain = out.putArray("actions");
    ArrayNode feeds = out.putArray("feeds");
    for (Action a : actions) {
      ObjectNode entry = Json.object();
      entry.put("name", a.name().substring(a.name().indexOf('/') + 1));
      entry.put("version", a.version());
      entry.set("annotations", ActionJson.keyValues(a.annotations()));
      (a.annotations().containsKey(FEED_ANNOTATION) ? feeds : plain).add(entry);
    }
    return out;
  }
}
