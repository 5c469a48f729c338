package dev.ffmsockets.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** Medians, bootstrap intervals and number formats for the report. */
final class Stats {

    /** How many resamples a bootstrap interval is made of. */
    static final int RESAMPLES = 10_000;

    private Stats() {
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(d -> d).toArray());
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * A 95% percentile-bootstrap interval of the median of {@code values}: the 2.5th and 97.5th percentiles of the
     * medians of {@value #RESAMPLES} resamples drawn with replacement. The seed is fixed, so that a report reads
     * the same when made again from the same measurements.
     *
     * @return {low, high}
     */
    static double[] medianInterval(double[] values) {
        if (values.length == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom random = new SplittableRandom(42);
        double[] medians = new double[RESAMPLES];
        double[] sample = new double[values.length];
        for (int i = 0; i < RESAMPLES; i++) {
            for (int j = 0; j < sample.length; j++) {
                sample[j] = values[random.nextInt(values.length)];
            }
            medians[i] = median(sample);
        }
        Arrays.sort(medians);
        return new double[] {medians[(int) (RESAMPLES * 0.025)], medians[(int) (RESAMPLES * 0.975) - 1]};
    }

    /**
     * The verdict on a target: "met" when the interval of the median lies at or above the threshold, "missed"
     * when it lies below; otherwise "above" or "below", by where the median itself is. A median below the
     * threshold can never read "met", one at or above it never "missed".
     */
    static String verdict(double median, double low, double high, double threshold) {
        if (median >= threshold) {
            return low >= threshold ? "met" : "above";
        }
        return high < threshold ? "missed" : "below";
    }

    /** 3 significant digits for small values, thousands separators for large ones. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }
}
