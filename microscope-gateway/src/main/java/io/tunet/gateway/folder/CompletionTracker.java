package io.tunet.gateway.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a file in the watched folder is complete. Names are {@linkplain #observe observed} as the watch
 * service and the rescans report them; each one the naming pattern accepts becomes a candidate, and
 * {@link #poll} looks at every candidate's size and modification time: a file whose size and modification time
 * have not changed for the quiet period is complete; a file that appeared under its final name after a temporary
 * name of it ({@code <name>.part}, {@code .tmp}...) was seen, i.e. was renamed into place, is complete at once, as
 * is every file when the folder is declared to receive only atomic renames. Temporary names, hidden names
 * ({@code .x}), folders, symbolic links and names the pattern does not accept are never published.
 *
 * <p>A file handed out by {@link #poll} is in flight until {@link #done} or {@link #retry}. Not thread-safe: the
 * gateway's loop is its only user. Times are {@link System#nanoTime()} values.
 */
public final class CompletionTracker {

    private static final Logger LOG = LoggerFactory.getLogger(CompletionTracker.class);
    /** A temporary name seen this long ago no longer marks its final name as renamed into place. */
    private static final long RENAME_MEMORY_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** What the tracker tells its owner about names it looked at. */
    public interface Listener {

        /** A new candidate: a file whose name the pattern accepts. */
        void seen(String name);

        /** A name that is not a stain file (no match, a stain the mapping does not name, a link): once per name. */
        void ignored(String name, String why);

        /** A candidate that disappeared before it was complete. */
        void vanished(String name);
    }

    /**
     * A complete file.
     *
     * @param name          file name
     * @param file          what its name says, or null when the name is {@link #invalidName() invalid}
     * @param invalidName   why the name matched the pattern but cannot name an acquisition, or null
     * @param size          bytes, as last seen
     * @param modifiedNanos modification time as last seen, nanoseconds since the epoch
     * @param firstSeen     when the tracker first saw it
     * @param completeAt    when it was found complete
     */
    public record Ready(String name, StainFile file, String invalidName, long size, long modifiedNanos, long firstSeen,
                        long completeAt) {
    }

    private static final class Candidate {
        final StainFile file;
        final String invalidName;
        final long firstSeen;
        long size = -1;
        long modifiedNanos = Long.MIN_VALUE;
        long stableSince;
        long notBefore;
        boolean renamed;

        Candidate(StainFile file, String invalidName, long firstSeen) {
            this.file = file;
            this.invalidName = invalidName;
            this.firstSeen = firstSeen;
            this.stableSince = firstSeen;
            this.notBefore = firstSeen;
        }
    }

    private final Path folder;
    private final NamingPattern naming;
    private final List<String> tempSuffixes;
    private final long quietNanos;
    private final boolean atomicWrites;
    private final Listener listener;
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final Map<String, Long> renamedFrom = new HashMap<>();
    private final Set<String> ignored = new HashSet<>();

    /**
     * @param tempSuffixes names ending so are still being written
     * @param quietPeriod  how long size and modification time must stay unchanged
     * @param atomicWrites every file appears complete (the software writes elsewhere or under a temporary name and
     *                     renames), so none waits for the quiet period
     */
    public CompletionTracker(Path folder, NamingPattern naming, List<String> tempSuffixes, Duration quietPeriod,
                             boolean atomicWrites, Listener listener) {
        this.folder = folder;
        this.naming = naming;
        this.tempSuffixes = List.copyOf(tempSuffixes);
        this.quietNanos = quietPeriod.toNanos();
        this.atomicWrites = atomicWrites;
        this.listener = listener;
    }

    /** Files waiting to be complete (not counting those in flight). */
    public int incomplete() {
        return candidates.size() - inFlight.size();
    }

    /** Notes a name the watch service or a listing reported. */
    public void observe(String name, long now) {
        if (candidates.containsKey(name) || ignored.contains(name)) {
            return;
        }
        if (name.startsWith(".")) {
            ignored.add(name);
            return;
        }
        String finalName = withoutTempSuffix(name);
        if (finalName != null) {
            renamedFrom.put(finalName, now);
            return;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return; // gone again before we looked: a temporary file of some other program, or already moved
        } catch (IOException e) {
            LOG.warn("cannot read the attributes of {}: {}", folder.resolve(name), e.toString());
            return;
        }
        if (attributes.isDirectory()) {
            ignored.add(name);
            return;
        }
        if (!attributes.isRegularFile()) {
            ignore(name, attributes.isSymbolicLink() ? "a symbolic link (never followed)" : "not a regular file");
            return;
        }
        StainFile file;
        String invalid = null;
        try {
            file = naming.parse(name);
            if (file == null) {
                ignore(name, "the name does not match the naming pattern or names a stain the mapping does not know");
                return;
            }
        } catch (NamingPattern.InvalidNameException e) {
            file = null;
            invalid = e.getMessage();
        }
        Candidate candidate = new Candidate(file, invalid, now);
        Long tempSeen = renamedFrom.remove(name);
        candidate.renamed = tempSeen != null && now - tempSeen < RENAME_MEMORY_NANOS && !tempFileExists(name);
        candidate.size = attributes.size();
        candidate.modifiedNanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        candidates.put(name, candidate);
        listener.seen(name);
    }

    /** After a full listing: forgets ignored and temporary names that are no longer there. */
    public void retainListed(Set<String> listed, long now) {
        ignored.retainAll(listed);
        renamedFrom.values().removeIf(seen -> now - seen > RENAME_MEMORY_NANOS);
    }

    /**
     * Looks at every waiting candidate and returns the complete ones (at most {@code max}), which are in flight
     * from then on. Candidates that disappeared are dropped and reported.
     */
    public List<Ready> poll(long now, int max) {
        List<Ready> ready = new ArrayList<>();
        Iterator<Map.Entry<String, Candidate>> it = candidates.entrySet().iterator();
        while (it.hasNext() && ready.size() < max) {
            Map.Entry<String, Candidate> entry = it.next();
            String name = entry.getKey();
            Candidate c = entry.getValue();
            if (inFlight.contains(name) || now < c.notBefore) {
                continue;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(folder.resolve(name), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                it.remove();
                listener.vanished(name);
                continue;
            } catch (IOException e) {
                LOG.warn("cannot read the attributes of {}: {}", folder.resolve(name), e.toString());
                continue;
            }
            long modified = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
            if (attributes.size() != c.size || modified != c.modifiedNanos) {
                c.size = attributes.size();
                c.modifiedNanos = modified;
                c.stableSince = now;
                c.renamed = false; // written to after it appeared: not an atomic rename after all
                continue;
            }
            if (c.renamed || atomicWrites || now - c.stableSince >= quietNanos) {
                inFlight.add(name);
                ready.add(new Ready(name, c.file, c.invalidName, c.size, c.modifiedNanos, c.firstSeen, now));
            }
        }
        return ready;
    }

    /** A file in flight left the folder (published, failed, or gone). */
    public void done(String name) {
        inFlight.remove(name);
        candidates.remove(name);
    }

    /**
     * A file in flight goes back to waiting: not before {@code notBefore}, and when {@code restartQuiet} it must
     * again stay unchanged for the quiet period (it was found still being written).
     */
    public void retry(String name, long notBefore, boolean restartQuiet) {
        inFlight.remove(name);
        Candidate c = candidates.get(name);
        if (c != null) {
            c.notBefore = notBefore;
            if (restartQuiet) {
                c.stableSince = notBefore;
                c.renamed = false;
            }
        }
    }

    private void ignore(String name, String why) {
        ignored.add(name);
        listener.ignored(name, why);
    }

    /** The name without its temporary suffix, or null when it has none. */
    private String withoutTempSuffix(String name) {
        for (String suffix : tempSuffixes) {
            if (name.length() > suffix.length() && name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    /** Whether a temporary file of this final name is still there (then the final name was not its rename). */
    private boolean tempFileExists(String name) {
        for (String suffix : tempSuffixes) {
            if (Files.exists(folder.resolve(name + suffix), LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }
}
