package io.heraldlb.it.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of kustomize that {@code deploy/kustomization.yaml} and its base use, so the build can
 * be checked without a kustomize binary: {@code resources} (files, or directories with their own
 * kustomization) and {@code images} (newName / newTag / digest on container images). Any other
 * field is refused, so the check never silently ignores something kustomize would do.
 */
final class Kustomization {
  private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "resources", "images");

  /** A field kustomize would act on and this subset does not implement, or a missing resource. */
  static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  private Kustomization() {}

  /** The objects {@code kubectl kustomize dir} would print, in resource order. */
  static List<Map<String, Object>> build(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new Unsupported(dir + " has no kustomization.yaml");
    }
    List<Map<String, Object>> docs = Yaml.documents(file);
    if (docs.size() != 1) {
      throw new Unsupported(file + ": expected one document");
    }
    Map<String, Object> k = docs.get(0);
    for (String key : k.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new Unsupported(
            file + ": field '" + key + "' is not in the supported subset " + KNOWN);
      }
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    for (String resource : Yaml.strings(k, "resources")) {
      Path p = dir.resolve(resource).normalize();
      if (Files.isDirectory(p)) {
        objects.addAll(build(p));
      } else if (Files.isRegularFile(p)) {
        objects.addAll(Yaml.documents(p));
      } else {
        throw new Unsupported(file + ": resource " + resource + " does not exist");
      }
    }
    Map<String, String> seen = new LinkedHashMap<>();
    for (Map<String, Object> o : objects) {
      if (seen.put(Yaml.id(o), Yaml.id(o)) != null) {
        throw new Unsupported(file + ": " + Yaml.id(o) + " appears twice");
      }
    }
    for (Map<String, Object> image : Yaml.list(k, "images")) {
      objects.forEach(o -> setImages(o, image));
    }
    return objects;
  }

  /** Applies one {@code images} entry to every container of a workload or pod. */
  private static void setImages(Map<String, Object> object, Map<String, Object> entry) {
    Map<String, Object> podSpec =
        Yaml.string(object, "kind").equals("Pod")
            ? Yaml.map(object, "spec")
            : Yaml.map(Yaml.map(Yaml.map(object, "spec"), "template"), "spec");
    for (String list : List.of("containers", "initContainers")) {
      for (Map<String, Object> c : Yaml.list(podSpec, list)) {
        c.put("image", rewrite(Yaml.string(c, "image"), entry));
      }
    }
  }

  static String rewrite(String image, Map<String, Object> entry) {
    String name = image;
    String tag = null;
    String digest = null;
    int at = name.indexOf('@');
    if (at >= 0) {
      digest = name.substring(at + 1);
      name = name.substring(0, at);
    }
    int colon = name.lastIndexOf(':');
    if (colon > name.lastIndexOf('/')) {
      tag = name.substring(colon + 1);
      name = name.substring(0, colon);
    }
    if (!name.equals(Yaml.string(entry, "name"))) {
      return image;
    }
    if (entry.containsKey("newName")) {
      name = Yaml.string(entry, "newName");
    }
    if (entry.containsKey("newTag")) {
      tag = Yaml.string(entry, "newTag");
      digest = null;
    }
    if (entry.containsKey("digest")) {
      digest = Yaml.string(entry, "digest");
      tag = null;
    }
    return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
