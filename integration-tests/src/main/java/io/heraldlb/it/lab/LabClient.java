package io.heraldlb.it.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The LAN client: a namespace with the real tools a user would reach a Service with. */
public final class LabClient {
  private static final Pattern ARPING_REPLY =
      Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]{17})\\]\\s+([0-9.]+)ms");
  private static final Pattern NEIGH_MAC = Pattern.compile("lladdr ([0-9a-f:]{17})");

  private final String netns;
  private final String ip;
  private final String ipv6;
  private final String mac;
  private final Launcher launcher;

  LabClient(String netns, String ip, String ipv6, String mac, Launcher launcher) {
    this.netns = netns;
    this.ip = ip;
    this.ipv6 = ipv6;
    this.mac = mac;
    this.launcher = launcher;
  }

  public String netns() {
    return netns;
  }

  public String iface() {
    return Network.LAN_IFACE;
  }

  public String ip() {
    return ip;
  }

  public String ipv6() {
    return ipv6;
  }

  public String mac() {
    return mac;
  }

  /** Runs a command in the client namespace and returns the result (not thrown on failure). */
  public Cmd.Result exec(Duration timeout, String... argv) {
    return Cmd.run(List.of(Netns.exec(netns, argv)), timeout);
  }

  /** What {@code arping} saw: one entry per reply, in order. */
  public record Arping(List<String> macs, List<Double> millis) {
    /** The distinct MACs that answered. */
    public List<String> distinctMacs() {
      return macs.stream().distinct().toList();
    }
  }

  /**
   * {@code arping -c COUNT -w DEADLINE -I eth0 IP}: sends COUNT requests (broadcast first, then
   * unicast to whoever answered, as iputils does) and reports every reply.
   */
  public Arping arping(String target, int count, Duration deadline) {
    return arping(target, count, deadline, List.of());
  }

  /** {@code arping -b}: every request broadcast, so every host that would answer does. */
  public Arping arpingBroadcast(String target, int count, Duration deadline) {
    return arping(target, count, deadline, List.of("-b"));
  }

  private Arping arping(String target, int count, Duration deadline, List<String> flags) {
    long seconds = Math.max(1, (deadline.toMillis() + 999) / 1000);
    List<String> argv = new ArrayList<>(List.of("arping"));
    argv.addAll(flags);
    argv.addAll(
        List.of(
            "-c", Integer.toString(count), "-w", Long.toString(seconds), "-I", iface(), target));
    Cmd.Result result = exec(deadline.plusSeconds(5), argv.toArray(String[]::new));
    List<String> macs = new ArrayList<>();
    List<Double> millis = new ArrayList<>();
    Matcher m = ARPING_REPLY.matcher(result.out());
    while (m.find()) {
      macs.add(m.group(1).toLowerCase());
      millis.add(Double.parseDouble(m.group(2)));
    }
    return new Arping(List.copyOf(macs), List.copyOf(millis));
  }

  /** The MAC of the client's neighbour entry for {@code target} ({@code ip neigh show}). */
  public Optional<String> neighbourMac(String target) {
    Cmd.Result result = exec(Duration.ofSeconds(5), "ip", "neigh", "show", target, "dev", iface());
    Matcher m = NEIGH_MAC.matcher(result.out());
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Starts {@link ArpProbe} in the client namespace: {@code count} broadcast ARP requests for
   * {@code target}, one every {@code interval}.
   */
  public LabProcess startProbe(String target, int count, Duration interval) {
    List<String> argv = new ArrayList<>(List.of(Netns.exec(netns, Programs.java())));
    argv.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m"));
    argv.addAll(
        List.of(
            "-cp",
            Programs.labClasspath(),
            ArpProbe.class.getName(),
            iface(),
            mac,
            ip,
            target,
            Integer.toString(count),
            Long.toString(interval.toNanos() / 1000)));
    return LabProcess.start(
        new LabProcess.Spec(
            "arp-probe", argv, java.util.Map.of(), launcher.logDir().resolve("arp-probe.log")));
  }

  /**
   * Starts {@link HttpLoad} in the client namespace: {@code count} GETs of {@code
   * http://TARGET:PORT/}, one every {@code interval}, each on a new connection; its log ends with
   * {@code sent N failed M}.
   */
  public LabProcess startHttpLoad(String target, int port, int count, Duration interval) {
    List<String> argv = new ArrayList<>(List.of(Netns.exec(netns, Programs.java())));
    argv.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m"));
    argv.addAll(
        List.of(
            "-cp",
            Programs.labClasspath(),
            HttpLoad.class.getName(),
            target,
            Integer.toString(port),
            Integer.toString(count),
            Long.toString(interval.toMillis())));
    return LabProcess.start(
        new LabProcess.Spec(
            "http-load", argv, java.util.Map.of(), launcher.logDir().resolve("http-load.log")));
  }

  /** Sends the probes and waits until they are all sent. */
  public void probe(String target, int count, Duration interval) {
    LabProcess p = startProbe(target, count, interval);
    int exit = p.awaitExit(interval.multipliedBy(count).plusSeconds(30));
    if (exit != 0) {
      throw new LabException("ARP probe failed (" + exit + "): " + p.tail(10));
    }
  }

  /** Forgets the neighbour entry, so the next packet resolves the address afresh. */
  public void flushNeighbour(String target) {
    exec(Duration.ofSeconds(5), "ip", "neigh", "flush", "to", target, "dev", iface());
  }

  /**
   * What a lab backend answered: the node its pod runs on, and the address it saw the request from.
   */
  public record Answer(String backendNode, String peer) {
    static Optional<Answer> parse(String body) {
      String[] lines = body.strip().split("\n");
      return lines.length == 2 && !lines[0].isBlank()
          ? Optional.of(new Answer(lines[0].strip(), lines[1].strip()))
          : Optional.empty();
    }
  }

  /** {@code curl -s --max-time 1 http://IP:PORT/}: the answering backend's node name, if any. */
  public Optional<String> curl(String target, int port) {
    return get(target, port, Duration.ofSeconds(1)).map(Answer::backendNode);
  }

  /** {@code curl -s --max-time 1 http://IP:PORT/}, the backend's whole answer. */
  public Optional<Answer> get(String target, int port) {
    return get(target, port, Duration.ofSeconds(1));
  }

  public Optional<String> curl(String target, int port, Duration maxTime) {
    return get(target, port, maxTime).map(Answer::backendNode);
  }

  public Optional<Answer> get(String target, int port, Duration maxTime) {
    String host = target.contains(":") ? "[" + target + "]" : target;
    Cmd.Result result =
        exec(
            maxTime.plusSeconds(5),
            "curl",
            "-s",
            "--max-time",
            String.format("%.3f", maxTime.toMillis() / 1000.0),
            "http://" + host + ":" + port + "/");
    return result.ok() ? Answer.parse(result.out()) : Optional.empty();
  }

  /** The HTTP status {@code curl http://IP:PORT/PATH} gets, if it gets an answer at all. */
  public Optional<Integer> httpStatus(String target, int port, String path) {
    String host = target.contains(":") ? "[" + target + "]" : target;
    Cmd.Result result =
        exec(
            Duration.ofSeconds(6),
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "1",
            "http://" + host + ":" + port + path);
    String code = result.out().strip();
    return result.ok() && code.matches("[1-5]\\d\\d")
        ? Optional.of(Integer.parseInt(code))
        : Optional.empty();
  }

  /**
   * Starts {@code tcpdump -i eth0 -w FILE} (nanosecond timestamps, unbuffered) in the background
   * and waits until it captures. Stop it with {@link Capture#stop()}.
   */
  public Capture capture(String name, String filter) {
    Path file = launcher.logDir().resolve(name + ".pcap");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "tcpdump",
                "-i",
                iface(),
                "-n",
                "-U",
                "--time-stamp-precision=nano",
                "-w",
                file.toString()));
    if (filter != null && !filter.isBlank()) {
      argv.addAll(List.of(filter.split("\\s+")));
    }
    LabProcess tcpdump = launcher.start("tcpdump-" + name, netns, java.util.Map.of(), argv);
    tcpdump.awaitLog("listening on", Duration.ofSeconds(10));
    return new Capture(tcpdump, file);
  }

  /** A running capture in the client namespace. */
  public record Capture(LabProcess tcpdump, Path file) {
    /** SIGTERM (tcpdump flushes and exits), then returns the pcap file. */
    public Path stop() {
      if (tcpdump.isAlive()) {
        tcpdump.terminate();
        tcpdump.awaitExit(Duration.ofSeconds(10));
      }
      return file;
    }

    /** The capture as text: {@code tcpdump -r FILE -n -e -tt [filter]}, one line per frame. */
    public List<String> read(String filter) {
      List<String> argv =
          new ArrayList<>(List.of("tcpdump", "-r", file.toString(), "-n", "-e", "-tt", "--nano"));
      if (filter != null && !filter.isBlank()) {
        argv.addAll(List.of(filter.split("\\s+")));
      }
      String out = Cmd.run(argv, Cmd.DEFAULT_TIMEOUT).orThrow().out();
      return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
  }

  /**
   * Sends raw Ethernet frames out of the client's LAN interface (hostile traffic: malformed or
   * spoofed ARP/NDP); see {@link Frames} for builders. Returns once all were sent.
   */
  public void sendFrames(List<byte[]> frames, int repeat) {
    List<String> args = new ArrayList<>(List.of(iface(), Integer.toString(repeat)));
    for (byte[] frame : frames) {
      args.add(java.util.HexFormat.of().formatHex(frame));
    }
    LabProcess sender = launcher.helper("frame-sender", netns, FrameSender.class, args);
    int exit = sender.awaitExit(Duration.ofSeconds(60));
    if (exit != 0) {
      throw new LabException("frame sender failed (" + exit + "):\n" + sender.tail(20));
    }
  }
}
