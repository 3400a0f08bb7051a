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
 * {@code migrate FILE…}: reads pool configurations (MetalLB's ConfigMap, or HeraldLB's own, as
 * manifests or bare files) and prints one {@code heraldlb-config} ConfigMap in the native format
 * that holds the same pools. What it prints parses back to exactly those pools, or it prints
 * nothing and says why.
 */
public final class MigrateCommand {
  private MigrateCommand() {}

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println("usage: migrate FILE...   (ConfigMap manifests or pools.conf files)");
      return 2;
    }
    Map<String, String> definedIn = new LinkedHashMap<>();
    List<Pool> pools = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean ok = true;
    for (String arg : args) {
      Map<String, Map<String, String>> configMaps = ValidateCommand.read(Path.of(arg), err);
      if (configMaps == null) {
        return 2;
      }
      for (Map.Entry<String, Map<String, String>> cm : configMaps.entrySet()) {
        String where = arg + (configMaps.size() > 1 ? " (" + cm.getKey() + ")" : "");
        ParseResult parsed = ConfigParser.parse(cm.getValue());
        if (parsed instanceof ParseResult.Invalid invalid) {
          invalid.errors().forEach(e -> err.println(where + ": " + e));
          ok = false;
          continue;
        }
        PoolConfig config = ((ParseResult.Valid) parsed).config();
        notes.add("from " + where + " (" + config.source() + ")");
        config.notes().forEach(n -> notes.add("  " + n));
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
