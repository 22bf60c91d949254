package dev.nodestate.hub.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DebouncerTest {

    @Test
    void a_burst_of_events_becomes_one_batch_with_each_path_once() throws Exception {
        Debouncer d = new Debouncer(100, 5_000);
        for (int i = 0; i < 2_000; i++) {
            d.add("pkg/m" + (i % 500) + ".py");
        }
        Debouncer.Batch batch = d.next();
        assertEquals(500, batch.paths().size());
        assertFalse(batch.rescan());
        assertEquals(0, d.pendingCount());
    }

    @Test
    void a_batch_waits_for_quiet_but_not_longer_than_the_maximum_delay() throws Exception {
        Debouncer d = new Debouncer(150, 600);
        AtomicBoolean typing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            while (typing.get()) {
                d.add("a.py");
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long start = System.nanoTime();
        Debouncer.Batch batch = d.next();
        long waited = (System.nanoTime() - start) / 1_000_000;
        typing.set(false);
        writer.join();
        assertEquals(Set.of("a.py"), batch.paths());
        assertTrue(waited >= 550 && waited < 3_000, "flushed at the maximum delay despite constant events, after " + waited + " ms");
    }

    @Test
    void a_rescan_request_is_carried_in_the_batch() throws Exception {
        Debouncer d = new Debouncer(10, 100);
        d.add("x.py");
        d.rescan();
        Debouncer.Batch batch = d.next();
        assertTrue(batch.rescan());
        assertEquals(Set.of("x.py"), batch.paths());
    }

    @Test
    void closing_hands_out_what_is_pending_then_ends() throws Exception {
        Debouncer d = new Debouncer(10_000, 60_000);
        d.add("late.py");
        d.close();
        assertEquals(Set.of("late.py"), d.next().paths());
        assertNull(d.next());
    }
}
