package io.heraldlb.kube;

import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.ParseResult;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where both programs read the pool configuration from, and which source wins: HeraldLB's own
 * ConfigMap when it exists, else MetalLB's {@code IPAddressPool}s and {@code L2Advertisement}s when
 * there is at least one pool among them. The ConfigMap is the one a user wrote for HeraldLB, so it
 * is never overruled by objects a MetalLB install left behind; MetalLB's objects are read only when
 * HeraldLB has no configuration of its own, which is the state right after a switch. What to do
 * with an invalid or missing configuration (keep the last good one) is the caller's rule.
 */
public final class PoolSource {
  private PoolSource() {}

  /**
   * What the cluster holds now. Value-equal inputs parse to the same configuration, so callers
   * compare them to skip work.
   *
   * @param configMapData the pool ConfigMap's data; null when there is no ConfigMap
   * @param metalLb MetalLB's pool objects, as {@link MetalLbObjects#decoded} gives them
   */
  public record Inputs(
      @Nullable Map<String, String> configMapData, List<Map<String, Object>> metalLb) {
    public Inputs {
      configMapData = configMapData == null ? null : Map.copyOf(configMapData);
      metalLb = List.copyOf(metalLb);
    }

    /** Only a ConfigMap (or none): clusters and tests without MetalLB's objects. */
    public static Inputs configMap(@Nullable Map<String, String> data) {
      return new Inputs(data, List.of());
    }

    boolean hasMetalLbPools() {
      return metalLb.stream().anyMatch(o -> "IPAddressPool".equals(o.get("kind")));
    }

    long metalLbPools() {
      return metalLb.stream().filter(o -> "IPAddressPool".equals(o.get("kind"))).count();
    }
  }

  /**
   * The configuration in force and where it came from.
   *
   * @param result the parse; null when neither source holds anything
   * @param from the source read, for logs and Events
   * @param fromMetalLb whether that source is MetalLB's objects
   * @param ignored the other source, when it holds something too; null otherwise
   */
  public record Choice(
      @Nullable ParseResult result, String from, boolean fromMetalLb, @Nullable String ignored) {}

  /**
   * @param configMap {@code namespace/name} of HeraldLB's ConfigMap, for messages
   * @param metalLbNamespace where MetalLB's objects were read from
   */
  public static Choice choose(Inputs in, String configMap, String metalLbNamespace) {
    String fromConfigMap = "ConfigMap " + configMap;
    if (in.configMapData() != null) {
      String ignored =
          in.hasMetalLbPools()
              ? "MetalLB's "
                  + in.metalLbPools()
                  + " IPAddressPool(s) in "
                  + metalLbNamespace
                  + " are not read: the "
                  + fromConfigMap
                  + " exists and wins"
              : null;
      return new Choice(parse(in.configMapData()), fromConfigMap, false, ignored);
    }
    String fromMetalLb = ConfigParser.metalLbSource(metalLbNamespace);
    if (in.hasMetalLbPools()) {
      return new Choice(
          ConfigParser.parseMetalLb(in.metalLb(), metalLbNamespace), fromMetalLb, true, null);
    }
    return new Choice(null, fromConfigMap + " or " + fromMetalLb, false, null);
  }

  /** The data of a pool ConfigMap; null (a ConfigMap without data) parses as empty. */
  public static ParseResult parse(@Nullable Map<String, String> data) {
    return ConfigParser.parse(data == null ? Map.of() : data);
  }
}
