package io.heraldlb.it.lab;

/**
 * The lab LAN's addresses: {@code 10.77.N.0/24} and {@code fd77:0:0:N::/64}. N differs between labs
 * that run at the same time, because the root-side address must be unique on this machine.
 */
public record Subnet(int n) {
  public static final int PREFIX_V4 = 24;
  public static final int PREFIX_V6 = 64;

  public Subnet {
    if (n < 0 || n > 255) {
      throw new IllegalArgumentException("subnet index must be 0..255, was " + n);
    }
  }

  /** The root namespace's end of the LAN, where the API server listens. */
  public String gateway() {
    return v4(1);
  }

  public String client() {
    return v4(2);
  }

  public String clientV6() {
    return v6(2);
  }

  /** Node {@code index} (1-based) gets {@code .10+index}: 10.77.N.11, .12, ... */
  public String node(int index) {
    return v4(10 + index);
  }

  public String nodeV6(int index) {
    return v6(0x10 + index);
  }

  public String cidr() {
    return "10.77." + n + ".0/" + PREFIX_V4;
  }

  public String v4(int host) {
    return "10.77." + n + "." + host;
  }

  public String v6(int host) {
    return "fd77:0:0:" + Integer.toHexString(n) + "::" + Integer.toHexString(host);
  }

  public boolean contains(String ipv4) {
    return ipv4.startsWith("10.77." + n + ".");
  }
}
