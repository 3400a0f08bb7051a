package io.heraldlb.it.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/** Reading Kubernetes manifests as plain maps, and small typed accessors for them. */
final class Yaml {
  private Yaml() {}

  /** Every non-empty document of {@code file}, each a map. */
  static List<Map<String, Object>> documents(Path file) {
    org.yaml.snakeyaml.Yaml yaml = new org.yaml.snakeyaml.Yaml(new LoaderOptions());
    List<Map<String, Object>> out = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object doc : yaml.loadAll(in)) {
        if (doc == null) {
          continue;
        }
        if (!(doc instanceof Map<?, ?>)) {
          throw new IllegalStateException(file + ": a document is not a mapping");
        }
        out.add(cast(doc));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    return out;
  }

  static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : v.toString();
  }

  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? Map.of() : cast(v);
  }

  static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? List.of() : cast(v);
  }

  static List<String> strings(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return List.of();
    }
    List<Object> items = cast(v);
    return items.stream().map(String::valueOf).toList();
  }

  static String name(Map<String, Object> object) {
    return string(map(object, "metadata"), "name");
  }

  /** The object's namespace, {@code null} when it has none. */
  static String namespace(Map<String, Object> object) {
    Object ns = map(object, "metadata").get("namespace");
    return ns == null ? null : ns.toString();
  }

  /** {@code Kind namespace/name}, or {@code Kind name} for cluster-scoped objects. */
  static String id(Map<String, Object> object) {
    String ns = namespace(object);
    return string(object, "kind") + " " + (ns == null ? "" : ns + "/") + name(object);
  }

  @SuppressWarnings("unchecked")
  static <T> T cast(Object o) {
    return (T) o;
  }
}
