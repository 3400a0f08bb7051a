package io.heraldlb.speaker.announce;

/** What {@link Announcer#apply} changed, for logs, metrics and Events. */
public sealed interface Change {

  /** Newly announced; gratuitous frames went or go out at once. */
  record Won(Assignment now) implements Change {}

  /** Still announced, on other interfaces; a new burst goes out. */
  record Moved(Assignment before, Assignment now) implements Change {}

  /**
   * Still announced on the same interfaces, for another set of Services (one joined or left a
   * shared address): nothing new goes on the wire, only what reports it changes.
   */
  record Relabelled(Assignment before, Assignment now) implements Change {}

  /** No longer answered, from this moment. */
  record Lost(Assignment before) implements Change {}
}
