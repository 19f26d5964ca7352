package io.kwhisk.controller.api.packages;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.EntityName;
import io.kwhisk.controller.api.ActionPut;
import io.kwhisk.controller.api.ApiError;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.entity.PackageEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The body of {@code PUT .../packages/{name}}, OpenWhisk's {@code WhiskPackagePut}: every field
 * optional (null when absent) so that an update keeps what it does not mention. The binding's
 * namespace {@code _} is the caller's.
 */
record PackagePut(
    PackageEntry.Binding binding,
    Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations,
    String version,
    Boolean publish) {
  /**
   * The annotation OpenWhisk sets on every binding, naming the bound package; a client's own value
   * is replaced.
   */
  static final String BINDING_ANNOTATION = "binding";

  static PackagePut parse(Identity who, byte[] body) {
    JsonNode root = ActionPut.readObject(body);
    PackageEntry.Binding binding = null;
    JsonNode b = root.get("binding");
    if (b != null && !b.isNull() && !(b.isObject() && b.isEmpty())) {
      if (!b.isObject() || !b.path("namespace").isTextual() || !b.path("name").isTextual()) {
        throw ApiError.badRequest(
            "The field 'binding' must be an object with a string 'namespace' and 'name'.");
      }
      String ns = who.resolve(b.get("namespace").asText());
      try {
        binding =
            new PackageEntry.Binding(
                EntityName.require("namespace", ns),
                EntityName.require("package", b.get("name").asText()));
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(e.getMessage());
      }
    }
    Map<String, JsonNode> parameters =
        root.hasNonNull("parameters")
            ? ActionPut.keyValues("parameters", root.get("parameters"))
            : null;
    Map<String, JsonNode> annotations =
        root.hasNonNull("annotations")
            ? ActionPut.keyValues("annotations", root.get("annotations"))
            : null;
    String version = null;
    if (root.hasNonNull("version")) {
      if (!root.get("version").isTextual()
          || !root.get("version").asText().matches("\\d+\\.\\d+\\.\\d+")) {
        throw ApiError.badRequest("The field 'version' must be a semantic version such as 0.0.1.");
      }
      version = root.get("version").asText();
    }
    Boolean publish = null;
    if (root.hasNonNull("publish")) {
      if (!root.get("publish").isBoolean())
        throw ApiError.badRequest("The field 'publish' must be a boolean.");
      publish = root.get("publish").asBoolean();
    }
    return new PackagePut(binding, parameters, annotations, version, publish);
  }

  /**
   * The package this request makes: new, or {@code existing} with the given fields replaced
   * (OpenWhisk's package update replaces annotations rather than merging them; the version's patch
   * number is raised).
   */
  PackageEntry toEntry(String namespace, String name, Optional<PackageEntry> existing, long now) {
    PackageEntry.Binding newBinding =
        binding != null ? binding : existing.map(PackageEntry::binding).orElse(null);
    Map<String, JsonNode> notes =
        new LinkedHashMap<>(
            annotations != null
                ? annotations
                : existing.map(PackageEntry::annotations).orElse(Map.of()));
    notes.remove(BINDING_ANNOTATION);
    if (newBinding != null) notes.put(BINDING_ANNOTATION, PackageJson.binding(newBinding));
    return new PackageEntry(
        namespace,
        name,
        newBinding,
        parameters != null ? parameters : existing.map(PackageEntry::parameters).orElse(Map.of()),
        notes,
        version != null
            ? version
            : existing.map(p -> ActionPut.upPatch(p.version())).orElse("0.0.1"),
        publish != null ? publish : existing.map(PackageEntry::publish).orElse(false),
        now);
  }
}
