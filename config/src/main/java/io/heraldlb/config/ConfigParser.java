package io.heraldlb.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one entry point that turns the data of a pool ConfigMap into a {@link PoolConfig} or the full
 * list of what is wrong with it. Pure: no I/O, no logging, and no exception escapes for any input.
 * The allocator, the speaker and the {@code validate} command all call it.
 */
public final class ConfigParser {
  /** ConfigMap key of the native HOCON format. */
  public static final String NATIVE_KEY = "pools.conf";

  /** ConfigMap key of the MetalLB ≤0.12 legacy YAML format. */
  public static final String LEGACY_KEY = "config";

  static final int MAX_POOLS = 1024;
  static final int MAX_RANGES_PER_POOL = 1024;
  static final int MAX_PRIORITY = 1_000_000;

  private ConfigParser() {}

  /**
   * Parses ConfigMap data. When both keys are present, {@code pools.conf} wins and a note says so.
   */
  public static ParseResult parse(Map<String, String> data) {
    try {
      return parseUnchecked(data == null ? Map.of() : data);
    } catch (RuntimeException | StackOverflowError e) {
      // The readers validate everything they touch; this is the last line of defence so that a
      // hostile ConfigMap can never take a program down.
      return new ParseResult.Invalid(
          List.of(new ConfigError("", "cannot parse the configuration: " + e)));
    }
  }

  /**
   * Parses MetalLB's {@code IPAddressPool} and {@code L2Advertisement} objects (as decoded from the
   * API or a manifest) of {@code namespace}; see {@link MetalLbPools} for how their meaning is
   * kept. Objects of other API groups are skipped.
   */
  public static ParseResult parseMetalLb(List<? extends Map<?, ?>> objects, String namespace) {
    try {
      List<String> notes = new ArrayList<>();
      Errors errors = new Errors();
      List<PoolDraft> drafts = MetalLbPools.read(objects, namespace, errors, notes);
      if (drafts.isEmpty() && errors.isEmpty()) {
        errors.add("", "no IPAddressPool in the namespace " + namespace);
      }
      return checked(drafts, errors, metalLbSource(namespace), notes);
    } catch (RuntimeException | StackOverflowError e) {
      return new ParseResult.Invalid(
          List.of(new ConfigError("", "cannot read MetalLB's objects: " + e)));
    }
  }

  /** The {@link PoolConfig#source()} of a configuration read from MetalLB's objects. */
  public static String metalLbSource(String namespace) {
    return "MetalLB's IPAddressPools in " + namespace;
  }

  /** Whether a decoded object belongs to MetalLB's API group {@code metallb.io}. */
  public static boolean isMetalLbObject(Map<?, ?> object) {
    return MetalLbPools.isMetalLb(object);
  }

  private static ParseResult checked(
      List<PoolDraft> drafts, Errors errors, String source, List<String> notes) {
    checkAcrossPools(drafts, errors);
    if (!errors.isEmpty()) {
      return new ParseResult.Invalid(errors.toList());
    }
    return new ParseResult.Valid(
        new PoolConfig(drafts.stream().map(PoolDraft::build).toList(), source, notes));
  }

  private static ParseResult parseUnchecked(Map<String, String> data) {
    String hocon = data.get(NATIVE_KEY);
    String legacy = data.get(LEGACY_KEY);
    List<String> notes = new ArrayList<>();
    Errors errors = new Errors();
    List<PoolDraft> drafts;
    String source;
    if (hocon != null) {
      source = NATIVE_KEY;
      if (legacy != null) {
        notes.add(
            "both '"
                + NATIVE_KEY
                + "' and '"
                + LEGACY_KEY
                + "' are set; using '"
                + NATIVE_KEY
                + "' and ignoring '"
                + LEGACY_KEY
                + "'");
      }
      drafts = HoconPools.read(hocon, errors);
    } else if (legacy != null) {
      source = LEGACY_KEY;
      drafts = LegacyPools.read(legacy, errors);
    } else {
      return new ParseResult.Invalid(
          List.of(
              new ConfigError(
                  "",
                  "no pool configuration: the ConfigMap has neither a '"
                      + NATIVE_KEY
                      + "' nor a '"
                      + LEGACY_KEY
                      + "' key")));
    }
    return checked(drafts, errors, source, notes);
  }

  private record Located(IpRange range, String path) {}

  /**
   * Addresses no LAN host can use as a Service's address: answering ARP or NDP for them would be
   * wrong or useless, and handing them out is a typo waiting to happen.
   */
  private record Reserved(IpRange range, String what) {}

  private static final List<Reserved> RESERVED =
      List.of(
          reserved("0.0.0.0/8", "the unspecified network 0.0.0.0/8"),
          reserved("127.0.0.0/8", "loopback addresses (127.0.0.0/8)"),
          reserved("169.254.0.0/16", "link-local addresses (169.254.0.0/16)"),
          reserved("224.0.0.0/4", "multicast addresses (224.0.0.0/4)"),
          reserved("255.255.255.255", "the broadcast address 255.255.255.255"),
          reserved("::", "the unspecified address ::"),
          reserved("::1", "the loopback address ::1"),
          reserved("fe80::/10", "link-local addresses (fe80::/10)"),
          reserved("ff00::/8", "multicast addresses (ff00::/8)"));

  private static Reserved reserved(String range, String what) {
    return new Reserved(IpRange.parse(range), what);
  }

  /**
   * Duplicate names, empty pools, reserved addresses and overlapping ranges, within and across
   * pools.
   */
  private static void checkAcrossPools(List<PoolDraft> drafts, Errors errors) {
    if (drafts.size() > MAX_POOLS) {
      errors.add("pools", drafts.size() + " pools is more than the maximum of " + MAX_POOLS);
    }
    Map<String, String> seen = new HashMap<>();
    List<Located> all = new ArrayList<>();
    for (PoolDraft d : drafts) {
      String previous = seen.putIfAbsent(d.name, d.path);
      if (previous != null) {
        errors.add(d.path, "duplicate pool name '" + d.name + "' (also at " + previous + ")");
      }
      if (d.addressEntries == 0) {
        errors.add(d.path + ".addresses", "the pool has no addresses");
      }
      if (d.addressEntries > MAX_RANGES_PER_POOL) {
        errors.add(
            d.path + ".addresses",
            d.addressEntries + " entries is more than the maximum of " + MAX_RANGES_PER_POOL);
      }
      for (int i = 0; i < d.ranges.size(); i++) {
        all.add(new Located(d.ranges.get(i), d.rangePaths.get(i)));
      }
    }
    for (Located l : all) {
      for (Reserved r : RESERVED) {
        if (r.range.family() == l.range.family() && r.range.overlaps(l.range)) {
          errors.add(l.path, l.range + " includes " + r.what + ", which cannot be a Service's IP");
        }
      }
    }
    all.sort(Comparator.comparing((Located l) -> l.range.first()));
    // Sorted by start, a range overlaps an earlier one iff it starts before the furthest end so
    // far.
    Located furthest = null;
    for (Located l : all) {
      if (furthest != null
          && furthest.range.family() == l.range.family()
          && l.range.first().compareTo(furthest.range.last()) <= 0) {
        errors.add(l.path, l.range + " overlaps " + furthest.range + " at " + furthest.path);
      }
      if (furthest == null
          || furthest.range.family() != l.range.family()
          || l.range.last().compareTo(furthest.range.last()) > 0) {
        furthest = l;
      }
    }
  }

  /**
   * A YAML loader safe for hostile text (plain types only, bounded aliases, depth and size), for
   * callers that read manifests holding a pool ConfigMap.
   */
  public static org.yaml.snakeyaml.Yaml safeYaml() {
    return LegacyPools.safeYaml();
  }
}
