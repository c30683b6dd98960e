package org.flexiq.workbench.cluster;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which unanswered submissions a sweep stops waiting for, and that their late answers are then ignored. */
class InFlightTest {
    private static final long GRACE = 20;

    @Test
    void anAttemptIsOrphanedAGracePeriodAfterItsMemberLeft() {
        InFlight<String> f = new InFlight<>(GRACE);
        var onA = new InFlight.Attempt<>("u1", 1, "a:1");
        var onB = new InFlight.Attempt<>("u2", 1, "b:1");
        f.add(onA, 0);
        f.add(onB, 0);
        assertThat(f.orphans(Set.of("a:1", "b:1"), 100)).isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 105)).as("b just left").isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 124)).as("19 of 20 ns after b left").isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 125)).containsExactly(onB);
        assertThat(f.size()).isEqualTo(1);
        assertThat(f.complete(onB)).as("the orphan's late answer").isFalse();
        assertThat(f.complete(onA)).isTrue();
        assertThat(f.complete(onA)).as("a second answer of one attempt").isFalse();
        assertThat(f.isEmpty()).isTrue();
    }

    @Test
    void anAnswerWithinTheGracePeriodIsTaken() {
        InFlight<String> f = new InFlight<>(GRACE);
        var a = new InFlight.Attempt<>("u1", 1, "a:1");
        f.add(a, 0);
        assertThat(f.orphans(Set.of("b:1"), 10)).isEmpty();
        assertThat(f.complete(a)).isTrue();
        assertThat(f.orphans(Set.of("b:1"), 100)).isEmpty();
    }

    @Test
    void aMemberThatComesBackWithinTheGracePeriodKeepsItsAttempt() {
        InFlight<String> f = new InFlight<>(GRACE);
        var a = new InFlight.Attempt<>("u1", 1, "a:1");
        f.add(a, 0);
        assertThat(f.orphans(Set.of(), 10)).isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 20)).isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 40)).isEmpty();
        assertThat(f.orphans(Set.of(), 45)).as("gone again: the grace period starts afresh").isEmpty();
        assertThat(f.orphans(Set.of(), 65)).containsExactly(a);
    }

    @Test
    void anAttemptOfUnknownMemberWaitsOnlyOnDeparturesAfterItWasSent() {
        InFlight<String> f = new InFlight<>(GRACE);
        assertThat(f.orphans(Set.of("a:1", "b:1"), 0)).isEmpty();
        assertThat(f.orphans(Set.of("a:1"), 5)).as("b left before anything was sent").isEmpty();
        var unknown = new InFlight.Attempt<>("u1", 1, (String) null);
        f.add(unknown, 10);
        assertThat(f.orphans(Set.of("a:1"), 100)).as("the earlier departure does not count").isEmpty();
        assertThat(f.orphans(Set.of("a:1", "c:1"), 110)).as("a member joining does not count").isEmpty();
        assertThat(f.orphans(Set.of("c:1"), 120)).isEmpty();
        assertThat(f.orphans(Set.of("c:1"), 140)).containsExactly(unknown);
    }
}
