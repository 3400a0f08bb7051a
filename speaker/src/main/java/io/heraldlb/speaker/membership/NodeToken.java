package io.heraldlb.speaker.membership;

import java.io.DataInput;
import java.io.DataOutput;
import java.net.InetAddress;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.PhysicalAddress;
import org.jgroups.View;
import org.jgroups.auth.AuthToken;
import org.jgroups.stack.IpAddress;
import org.jspecify.annotations.Nullable;

/**
 * Who a joiner says it is, checked where the group decides (the coordinator, for joins and merges):
 * the node name its address carries must be a node that runs a speaker pod at the address it
 * connects from, and no other member may hold that name. The TLS key says a peer is one of the
 * cluster's speakers; this says it is the one it claims to be, so a speaker cannot take another
 * node's place in the election. The token itself carries nothing: the claim is the address.
 */
public final class NodeToken extends AuthToken {
  /** Decides on a claim; returns why it is refused, or null to admit it. */
  public interface JoinCheck {
    /** A claim the API cannot confirm: no speaker pod of that node at that address. */
    String NOT_A_SPEAKER_POD = "not_a_speaker_pod";

    /** A name another member already holds from another address. */
    String NAME_TAKEN = "name_taken";

    @Nullable Refusal check(String node, @Nullable InetAddress from);
  }

  /** Why a claim was refused: the metric's reason and a sentence for the log and the Event. */
  public record Refusal(String reason, String detail) {}

  /** Told of every refusal, on a JGroups thread: must not block. */
  public interface Refused {
    void refused(String node, Refusal why);
  }

  private final @Nullable JoinCheck check;
  private final @Nullable Supplier<@Nullable View> view;
  private final @Nullable Refused refused;

  /** The instance JGroups makes for a token read off the wire. */
  public NodeToken() {
    this(null, null, null);
  }

  NodeToken(
      @Nullable JoinCheck check,
      @Nullable Supplier<@Nullable View> view,
      @Nullable Refused refused) {
    this.check = check;
    this.view = view;
    this.refused = refused;
  }

  @Override
  public String getName() {
    return "heraldlb-node";
  }

  @Override
  public int size() {
    return 0;
  }

  @Override
  public void writeTo(DataOutput out) {}

  @Override
  public void readFrom(DataInput in) {}

  @Override
  public boolean authenticate(AuthToken token, Message msg) {
    if (check == null || view == null || refused == null) {
      return false; // only the local instance decides
    }
    Address src = msg.getSrc();
    String node = Membership.nodeOf(src);
    PhysicalAddress physical =
        (PhysicalAddress) auth.down(new Event(Event.GET_PHYSICAL_ADDRESS, src));
    InetAddress from = physical instanceof IpAddress ip ? ip.getIpAddress() : null;
    Refusal why = check.check(node, from);
    if (why == null) {
      why = taken(node, src, physical);
    }
    if (why != null) {
      refused.refused(node, why);
      return false;
    }
    return true;
  }

  /** Another member of the view holds {@code node} from another physical address. */
  private @Nullable Refusal taken(String node, Address src, @Nullable PhysicalAddress physical) {
    View current = view == null ? null : view.get();
    if (current == null) {
      return null;
    }
    for (Address member : current.getMembers()) {
      if (member.equals(src) || !node.equals(Membership.nodeOf(member))) {
        continue;
      }
      PhysicalAddress theirs =
          (PhysicalAddress) auth.down(new Event(Event.GET_PHYSICAL_ADDRESS, member));
      // The same address is the same speaker restarted before its old self was removed.
      if (physical == null || !physical.equals(theirs)) {
        return new Refusal(
            JoinCheck.NAME_TAKEN,
            "node name "
                + node
                + " is already held by a member at "
                + theirs
                + "; refused the second claim from "
                + physical);
      }
    }
    return null;
  }
}
