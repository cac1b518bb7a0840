package io.tunet.results.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** Live-stream tickets: one use each, and only within their validity. */
class LiveTicketsTest {

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T09:00:00Z"));
    private final LiveTickets tickets = new LiveTickets(clock, Duration.ofSeconds(60));

    @Test
    void shouldRedeemATicketOnlyOnce() {
        LiveTickets.Ticket ticket = tickets.issue();

        assertThat(ticket.validForSeconds()).isEqualTo(60);
        assertThat(tickets.redeem(ticket.ticket())).isTrue();
        assertThat(tickets.redeem(ticket.ticket())).isFalse();
    }

    @Test
    void shouldRefuseATicketOnceItsValidityIsOver() {
        LiveTickets.Ticket early = tickets.issue();
        LiveTickets.Ticket late = tickets.issue();

        clock.advance(Duration.ofSeconds(59));
        assertThat(tickets.redeem(early.ticket())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(tickets.redeem(late.ticket())).isFalse();
    }

    @Test
    void shouldRefuseUnknownTicketsAndNone() {
        tickets.issue();

        assertThat(tickets.redeem("not-a-ticket")).isFalse();
        assertThat(tickets.redeem(null)).isFalse();
    }

    @Test
    void shouldIssueUnguessableDistinctTickets() {
        String first = tickets.issue().ticket();
        String second = tickets.issue().ticket();

        assertThat(first).isNotEqualTo(second).hasSizeGreaterThanOrEqualTo(43);
    }

    @Test
    void shouldForgetExpiredTicketsThatWereNeverUsed() {
        for (int i = 0; i < 100; i++) {
            tickets.issue();
        }
        clock.advance(Duration.ofMinutes(2));
        tickets.issue();

        assertThat(tickets.outstanding()).isEqualTo(1);
    }

    private static final class SettableClock extends Clock {

        private Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
