package io.heraldlb.runtime;

import io.heraldlb.config.ConfigError;
import io.heraldlb.config.ConfigParser;
import io.heraldlb.config.ParseResult;
import io.heraldlb.config.Pool;
import io.heraldlb.config.PoolConfig;
import io.heraldlb.config.PoolWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code migrate FILE…}: reads pool configurations (MetalLB's IPAddressPools and L2Advertisements,
 * MetalLB's old ConfigMap, or HeraldLB's own, as manifests or bare files) and prints one {@code
 * heraldlb-config} ConfigMap in the native format that holds the same pools. What it prints parses
 * back to exactly those pools, or it prints nothing and says why.
 */
public final class MigrateCommand {
  private MigrateCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println("usage: migrate FILE...   (MetalLB or HeraldLB manifests, or pools.conf files)");
      return 2;
    }
    Map<String, String> definedIn = new LinkedHashMap<>();
    List<Pool> pools = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean ok = true;
    for (String arg : args) {
      Map<String, ParseResult> configurations = ValidateCommand.read(Path.of(arg), err);
      if (configurations == null) {
        return 2;
      }
      for (Map.Entry<String, ParseResult> cm : configurations.entrySet()) {
        String where = arg + (configurations.size() > 1 ? " (" + cm.getKey() + ")" : "");
        ParseResult parsed = cm.getValue();
        if (parsed instanceof ParseResult.Invalid invalid) {
          invalid.errors().forEach(e -> err.println(where + ": " + e));
          ok = false;
          continue;
        }
        PoolConfig config = ((ParseResult.Valid) parsed).config();
        notes.add("from " + where + " (" + config.source() + ")");
        config.notes().forEach(n -> notes.add("  " + n));
        if (config.source().startsWith(ConfigParser.metalLbSource(""))) {
          notes.add(
              "  priority: MetalLB's order; a serviceAllocation priority is kept, pools with"
                  + " serviceAllocation but none come next, pools without serviceAllocation last");
        }
        for (Pool p : config.pools()) {
          String earlier = definedIn.putIfAbsent(p.name(), where);
          if (earlier != null) {
            err.println(where + ": pool " + p.name() + " is defined in " + earlier + " too");
            ok = false;
          }
          pools.add(p);
        }
      }
    }
    if (!ok) {
      err.println("nothing written: fix the errors above");
      return 1;
    }
    String hocon = PoolWriter.hocon(new PoolConfig(pools, "migrate", notes));
    if (ConfigParser.parse(Map.of(ConfigParser.NATIVE_KEY, hocon))
        instanceof ParseResult.Invalid together) {
      for (ConfigError e : together.errors()) {
        err.println("together: " + e);
      }
      err.println("nothing written: the inputs' pools do not fit together");
      return 1;
    }
    out.print(manifest(hocon));
    return 0;
  }

  static String manifest(String hocon) {
    StringBuilder sb =
        new StringBuilder()
            .append("# Written by HeraldLB's migrate; check it with validate before applying.\n")
            .append("apiVersion: v1\n")
            .append("kind: ConfigMap\n")
            .append("metadata:\n")
            .append("  name: heraldlb-config\n")
            .append("  namespace: heraldlb-system\n")
            .append("data:\n")
            .append("  pools.conf: |\n");
    for (String line : hocon.split("\n", -1)) {
      if (!line.isEmpty()) {
        sb.append("    ").append(line).append('\n');
      }
    }
    return sb.toString();
  }
}
