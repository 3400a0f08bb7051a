package io.heraldlb.config;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Syntax checks for names that come from users: Kubernetes names, label keys and values. */
public final class Names {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_NAME =
      Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.@]{0,14}");

  private Names() {}

  /** An RFC 1123 label as used for namespaces; {@code null} if valid. */
  public static @Nullable String checkDnsLabel(String s) {
    if (s.isEmpty() || s.length() > 63 || !DNS_LABEL.matcher(s).matches()) {
      return "'" + s + "' is not a valid name (lower-case letters, digits and '-', at most 63)";
    }
    return null;
  }

  /** A DNS subdomain as used for object names and pool names; {@code null} if valid. */
  public static @Nullable String checkDnsSubdomain(String s) {
    if (s.isEmpty() || s.length() > 253 || !DNS_SUBDOMAIN.matcher(s).matches()) {
      return "'"
          + s
          + "' is not a valid name (lower-case letters, digits, '-' and '.', at most 253)";
    }
    return null;
  }

  /** A label key ({@code prefix/name}); {@code null} if valid. */
  public static @Nullable String checkLabelKey(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        return "label key '" + key + "' has an invalid prefix";
      }
    }
    if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
      return "'" + key + "' is not a valid label key";
    }
    return null;
  }

  /** A label value (may be empty); {@code null} if valid. */
  public static @Nullable String checkLabelValue(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63 || !LABEL_NAME.matcher(value).matches()) {
      return "'" + value + "' is not a valid label value";
    }
    return null;
  }

  /** A Linux interface name (at most 15 characters); {@code null} if valid. */
  public static @Nullable String checkInterface(String name) {
    if (!INTERFACE.matcher(name).matches()) {
      return "'" + name + "' is not a valid interface name";
    }
    return null;
  }
}
