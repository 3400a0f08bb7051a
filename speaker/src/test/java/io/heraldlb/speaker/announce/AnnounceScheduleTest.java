package io.heraldlb.speaker.announce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.heraldlb.config.IpAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnnounceScheduleTest {

  static final IpAddress A = IpAddress.parse("192.0.2.10");
  static final IpAddress B = IpAddress.parse("2001:db8::10");
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  /** Steps a fake clock through {@code [0, untilMillis]} and records when {@code ip} is due. */
  static List<Long> announcementsOf(AnnounceSchedule schedule, IpAddress ip, long untilMillis) {
    List<Long> times = new ArrayList<>();
    for (long ms = 0; ms <= untilMillis; ms += 50) {
      if (schedule.due(at(ms)).contains(ip)) {
        times.add(ms);
      }
    }
    return times;
  }

  @Test
  void announcesAtOnceThenEvery1100MillisForFiveSecondsThenEveryRefresh() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(A, T0);

    assertEquals(
        List.of(0L, 1100L, 2200L, 3300L, 4400L, 34400L, 64400L),
        announcementsOf(schedule, A, 70_000));
  }

  @Test
  void stopsAfterTheBurstWhenRefreshIsZero() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ZERO);
    schedule.win(A, T0);

    assertEquals(List.of(0L, 1100L, 2200L, 3300L, 4400L), announcementsOf(schedule, A, 120_000));
    assertEquals(Optional.empty(), schedule.nextDue());
    assertEquals(Set.of(A), schedule.won());
  }

  @Test
  void nextDueIsTheSoonestAnnouncementOfAnyIp() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(10));
    assertEquals(Optional.empty(), schedule.nextDue());

    schedule.win(A, at(0));
    schedule.win(B, at(500));
    assertEquals(Optional.of(at(0)), schedule.nextDue());

    assertEquals(List.of(A), schedule.due(at(0)));
    assertEquals(Optional.of(at(500)), schedule.nextDue());
    assertEquals(List.of(B), schedule.due(at(600)));
    assertEquals(Optional.of(at(1100)), schedule.nextDue());
    assertEquals(List.of(), schedule.due(at(1099)));
    assertEquals(List.of(A), schedule.due(at(1100)));
    assertEquals(Optional.of(at(1600)), schedule.nextDue());
  }

  @Test
  void losingAnIpRemovesItAtOnce() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(10));
    schedule.win(A, T0);
    schedule.due(T0);

    schedule.lose(A);

    assertEquals(Optional.empty(), schedule.nextDue());
    assertEquals(List.of(), schedule.due(at(100_000)));
    assertEquals(Set.of(), schedule.won());
  }

  @Test
  void losingAnIpWhoseAnnouncementsHaveEndedIsFine() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ZERO);
    schedule.win(A, T0);
    announcementsOf(schedule, A, 10_000);

    schedule.lose(A);
    schedule.lose(B);

    assertEquals(Set.of(), schedule.won());
  }

  @Test
  void winningAnIpAgainDoesNotRestartItsBurst() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(A, T0);
    schedule.due(T0);

    schedule.win(A, at(500));

    assertEquals(Optional.of(at(1100)), schedule.nextDue());
  }

  @Test
  void winningAgainAfterLosingStartsAFreshBurst() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(A, T0);
    schedule.due(at(0));
    schedule.lose(A);

    schedule.win(A, at(20_000));

    assertEquals(List.of(A), schedule.due(at(20_000)));
    assertEquals(Optional.of(at(21_100)), schedule.nextDue());
  }

  @Test
  void aLateCallAnnouncesOnceAndSkipsMissedBurstSlots() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(A, T0);

    assertEquals(List.of(A), schedule.due(at(2500)));
    assertEquals(Optional.of(at(3300)), schedule.nextDue());
    assertEquals(List.of(A), schedule.due(at(9000)));
    assertEquals(Optional.of(at(39_000)), schedule.nextDue());
  }

  @Test
  void retainOnlyWinsNewIpsAndLosesMissingOnes() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(A, T0);

    schedule.retainOnly(Set.of(B), at(100));

    assertEquals(Set.of(B), schedule.won());
    assertEquals(List.of(B), schedule.due(at(100)));
  }

  @Test
  void returnsDueIpsSoonestFirst() {
    AnnounceSchedule schedule = new AnnounceSchedule(Duration.ofSeconds(30));
    schedule.win(B, at(10));
    schedule.win(A, at(20));

    assertEquals(List.of(B, A), schedule.due(at(30)));
  }

  @Test
  void refusesNegativeRefresh() {
    assertThrows(
        IllegalArgumentException.class, () -> new AnnounceSchedule(Duration.ofSeconds(-1)));
  }
}
