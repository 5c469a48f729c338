package dev.ffmsockets.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Windows of several implementations interleaved round by round, for workloads with no C to pair with (W5, W9):
 * each round measures one window of each implementation in turn, so that drift of the host lands on all of them.
 *
 * @param windows each implementation's windows, in the order measured
 * @param steals  the steal time of CPU 0 during each of those windows, in percent
 */
record Rounds(List<List<Double>> windows, List<List<Double>> steals) {

    /** One window of implementation {@code impl}: its rate. */
    interface Window {
        double measure(int impl) throws Exception;
    }

    static Rounds run(int impls, int rounds, Window window) throws Exception {
        List<List<Double>> windows = new ArrayList<>(), steals = new ArrayList<>();
        for (int i = 0; i < impls; i++) {
            windows.add(new ArrayList<>());
            steals.add(new ArrayList<>());
        }
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < impls; i++) {
                CpuSteal steal = CpuSteal.start();
                windows.get(i).add(window.measure(i));
                steals.get(i).add(steal.percentSinceAndRestart());
            }
        }
        return new Rounds(windows, steals);
    }
}
