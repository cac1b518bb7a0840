package io.tunet.results.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tunet.results.ResultsConfig;

/**
 * One-use tickets for opening the live stream. A browser's {@code EventSource} cannot send an
 * {@code Authorization} header, and a token in the address ends up in access logs, browser history and
 * proxies; a ticket that is spent on first use and expires after {@code results.auth.live-ticket-validity}
 * is worth little there, and it grants only what the stream needs: viewer rights, on that endpoint alone.
 */
@ApplicationScoped
public class LiveTickets {

    /** A ticket as handed to a client. */
    public record Ticket(String ticket, long validForSeconds) {
    }

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Instant> expiries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration validity;

    @Inject
    public LiveTickets(ResultsConfig config) {
        this(Clock.systemUTC(), config.auth().liveTicketValidity());
    }

    LiveTickets(Clock clock, Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("results.auth.live-ticket-validity must be positive, was " + validity);
        }
        this.clock = clock;
        this.validity = validity;
    }

    /** A new ticket (256 random bits), valid once within the validity. */
    public Ticket issue() {
        Instant now = clock.instant();
        // tickets that were never used would otherwise stay forever
        expiries.values().removeIf(expiry -> !now.isBefore(expiry));
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(ticket, now.plus(validity));
        return new Ticket(ticket, validity.toSeconds());
    }

    /** Spends the ticket: true once for a ticket issued here and still valid, false ever after. */
    public boolean redeem(String ticket) {
        if (ticket == null) {
            return false;
        }
        Instant expiry = expiries.remove(ticket);
        return expiry != null && clock.instant().isBefore(expiry);
    }

    int outstanding() {
        return expiries.size();
    }
}
