package io.newsflow.classify;

import io.newsflow.model.Article;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Trains and measures the learned decision layer ({@link ThemeModel}): per theme, an L2-regularised logistic
 * regression over the rules' features ({@link ThemeClassifier#FEATURES}), fitted by Newton's method on
 * standardised features, with the decision threshold chosen by an inner cross-validation on the training data only.
 *
 * <pre>
 * java -cp ... io.newsflow.classify.ThemeModelTrainer --input ... --labels A.tsv [--labels ...]
 *     [--themes rules.json] [--cv 5] [--repeats 5] [--lambda 1.0] [--holdout H.tsv ...] [--out model.json]
 * </pre>
 *
 * {@code --cv}: grouped, stratified K-fold cross-validation over all --labels (articles with the same normalised
 * title share a fold); every fold's model, threshold included, is trained without that fold. Prints the pooled
 * per-theme P/R/F1 of the model and of the rules alone on the same articles. {@code --holdout}: trains on --labels,
 * reports on the hold-out labels. {@code --out}: trains on all --labels and writes the model JSON.
 */
final class ThemeModelTrainer {

    /** Themes with fewer positives than this are left to the rules. */
    static final int MIN_POSITIVES = 8;
    static boolean printMisses;
    /** Feature columns zeroed before training (ablation: --drop name,name). A zero column gets weight 0. */
    static Set<Integer> dropped = Set.of();
    /** Whether the per-term evidence columns are used (--terms), or only the base FEATURES. */
    static boolean useTerms;
    /** L2 penalty on the per-term columns, relative to lambda (--term-lambda-factor). */
    static double termLambdaFactor = 1.0;
    /** Whether the stacked hashed-text feature (textScore) is trained (--no-text turns it off). */
    static boolean useText = true;
    /** L2 penalty of the hashed-text logistic regression, per example-averaged log loss (--text-lambda). */
    static double textLambda = 0.001;
    /** Folds for the out-of-fold text scores the decision layer is fitted on. */
    static final int TEXT_FOLDS = 5;

    private ThemeModelTrainer() {
    }

    /**
     * One labelled article: its features per theme (rules only), its gold themes, its fold group, and its hashed
     * text vector (sparse: bucket ids, values = occurrences / sqrt(tokens); see ThemeClassifier#textBuckets).
     */
    record Example(String id, String group, double[][] x, Set<String> gold, Set<String> rules, SparseText text) {
        /** The same article with one theme's feature row replaced (rows are not shared with the original). */
        Example withRow(int t, double[] row) {
            double[][] nx = x.clone();
            nx[t] = row;
            return new Example(id, group, nx, gold, rules, text);
        }
    }

    /** A sparse hashed text vector: bucket ids, ascending, and their values. */
    record SparseText(int[] idx, float[] val) {
        /** bias + Σ w[bucket]·value. */
        double z(double[] w, double bias) {
            double z = bias;
            for (int i = 0; i < idx.length; i++) {
                z += w[idx[i]] * val[i];
            }
            return z;
        }
    }

    /** Aggregates ThemeClassifier#textBuckets output into a sorted sparse vector. */
    static SparseText sparseText(int[] buckets) {
        int tokens = buckets.length == 0 ? 1 : -buckets[buckets.length - 1] - 1;
        int[] b = Arrays.copyOf(buckets, Math.max(0, buckets.length - 1));
        Arrays.sort(b);
        int[] idx = new int[b.length];
        float[] val = new float[b.length];
        int k = -1;
        for (int i = 0; i < b.length; i++) {
            if (k < 0 || idx[k] != b[i]) {
                idx[++k] = b[i];
            }
            val[k] += 1;
        }
        double norm = 1.0 / Math.sqrt(Math.max(1, tokens));
        for (int i = 0; i <= k; i++) {
            val[i] = (float) (val[i] * norm);
        }
        return new SparseText(Arrays.copyOf(idx, k + 1), Arrays.copyOf(val, k + 1));
    }

    static List<Example> examples(ThemeClassifier rulesOnly, Map<String, Article> articles, Map<String, Set<String>> labels) {
        List<Example> out = new ArrayList<>();
        List<String> codes = rulesOnly.themeCodes();
        for (Map.Entry<String, Set<String>> e : labels.entrySet()) {
            Article a = articles.get(e.getKey());
            if (a == null) {
                continue;
            }
            double[][] x = rulesOnly.features(a.title(), a.paragraphs());
            for (int t = 0; t < x.length; t++) {
                if (!useTerms) {
                    x[t] = Arrays.copyOf(x[t], ThemeClassifier.FEATURES.size());
                }
                for (int d : dropped) {
                    x[t][d] = 0;
                }
            }
            Set<String> rules = new LinkedHashSet<>();
            for (int t = 0; t < codes.size(); t++) {
                if (x[t][1] > 0) {
                    rules.add(codes.get(t));
                }
            }
            out.add(new Example(e.getKey(), group(a.title()), x, e.getValue(), rules,
                    sparseText(rulesOnly.textBuckets(a.title(), a.paragraphs()))));
        }
        return out;
    }

    /** Reposts of one story share a normalised title: lower case, letters and digits only. */
    static String group(String title) {
        StringBuilder sb = new StringBuilder();
        for (String w : Tokens.split(title == null ? "" : title, false)) {
            sb.append(w).append(' ');
        }
        return sb.toString().strip();
    }

    // ------------------------------------------------------------------------------------------ logistic regression

    /** A hashed-text logistic regression: z = bias + Σ w[bucket]·x[bucket]. */
    record TextFit(double bias, double[] w) {
        double z(Example e) {
            return e.text().z(w, bias);
        }
    }

    /** A fitted model in standardised space plus the standardisation, the threshold and the stacked text model. */
    record Fit(double[] mean, double[] std, double[] w, double bias, double threshold, TextFit text) {
        Fit(double[] mean, double[] std, double[] w, double bias, double threshold) {
            this(mean, std, w, bias, threshold, null);
        }

        /** The article's feature row for theme t, with the text score filled in from this fit's text model. */
        double[] row(Example e, int t) {
            if (text == null) {
                return e.x()[t];
            }
            double[] x = e.x()[t].clone();
            x[ThemeClassifier.TEXT_SCORE] = text.z(e);
            return x;
        }

        double p(double[] x) {
            double z = bias;
            for (int i = 0; i < w.length; i++) {
                z += w[i] * (x[i] - mean[i]) / std[i];
            }
            double p = 1 / (1 + Math.exp(-z));
            return x[0] >= ThemeModel.MIN_RULE_SCORE ? p : Math.min(p, x[0]);
        }

        ThemeModel.ThemeWeights raw(List<String> termLabels) {
            int nf = ThemeClassifier.FEATURES.size();
            double[] rw = new double[nf];
            Map<String, Double> tw = new LinkedHashMap<>();
            double b = bias;
            for (int i = 0; i < w.length; i++) {
                double v = w[i] / std[i];
                b -= w[i] * mean[i] / std[i];
                if (i < nf) {
                    rw[i] = v;
                } else {
                    tw.put(termLabels.get(i - nf), v);
                }
            }
            if (text == null) {
                return new ThemeModel.ThemeWeights(b, rw, threshold, tw);
            }
            return new ThemeModel.ThemeWeights(b, rw, threshold, tw, text.bias(), text.w().clone());
        }
    }

    /** L2-regularised logistic regression (bias not penalised) by Newton's method. */
    static Fit fit(List<double[]> xs, boolean[] y, double lambda) {
        int n = xs.size();
        int d = xs.get(0).length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                mean[i] += x[i] / n;
            }
        }
        for (double[] x : xs) {
            for (int i = 0; i < d; i++) {
                std[i] += (x[i] - mean[i]) * (x[i] - mean[i]) / n;
            }
        }
        for (int i = 0; i < d; i++) {
            std[i] = std[i] < 1e-12 ? 1.0 : Math.sqrt(std[i]);
        }
        double[][] z = new double[n][d + 1];
        for (int r = 0; r < n; r++) {
            z[r][0] = 1;
            for (int i = 0; i < d; i++) {
                z[r][i + 1] = (xs.get(r)[i] - mean[i]) / std[i];
            }
        }
        double[] beta = new double[d + 1];
        for (int it = 0; it < 50; it++) {
            double[] g = new double[d + 1];
            double[][] h = new double[d + 1][d + 1];
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int i = 0; i <= d; i++) {
                    s += beta[i] * z[r][i];
                }
                double p = 1 / (1 + Math.exp(-s));
                double err = p - (y[r] ? 1 : 0);
                double wgt = Math.max(p * (1 - p), 1e-9);
                for (int i = 0; i <= d; i++) {
                    g[i] += err * z[r][i];
                    for (int k = 0; k <= i; k++) {
                        h[i][k] += wgt * z[r][i] * z[r][k];
                    }
                }
            }
            for (int i = 0; i <= d; i++) {
                for (int k = 0; k < i; k++) {
                    h[k][i] = h[i][k];
                }
                if (i > 0) {
                    double l = i > ThemeClassifier.FEATURES.size() ? lambda * termLambdaFactor : lambda;
                    g[i] += l * beta[i];
                    h[i][i] += l;
                } else {
                    h[i][i] += 1e-6;
                }
            }
            double[] step = solve(h, g);
            double max = 0;
            for (int i = 0; i <= d; i++) {
                beta[i] -= step[i];
                max = Math.max(max, Math.abs(step[i]));
            }
            if (max < 1e-8) {
                break;
            }
        }
        return new Fit(mean, std, Arrays.copyOfRange(beta, 1, d + 1), beta[0], 0.5);
    }

    /**
     * L2-regularised logistic regression over the hashed text vectors, fitted by L-BFGS:
     * minimises mean log loss + textLambda/2 · |w|² (bias not penalised).
     */
    static TextFit fitText(List<Example> ex, String code) {
        int d = ThemeClassifier.TEXT_DIM;
        int n = ex.size();
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            y[i] = ex.get(i).gold().contains(code);
        }
        double[] w = new double[d + 1];
        double[] g = new double[d + 1];
        double f = textLoss(ex, y, w, g);
        int m = 8;
        java.util.ArrayDeque<double[]> sk = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<double[]> yk = new java.util.ArrayDeque<>();
        for (int it = 0; it < 100; it++) {
            // two-loop recursion: q ≈ H⁻¹ g (newest pair first on the way down)
            double[] q = g.clone();
            double[][] ss = sk.toArray(new double[0][]);
            double[][] ys = yk.toArray(new double[0][]);
            int k = ss.length;
            double[] alpha = new double[k];
            for (int j = k - 1; j >= 0; j--) {
                alpha[j] = dot(ss[j], q) / dot(ys[j], ss[j]);
                axpy(-alpha[j], ys[j], q);
            }
            if (k > 0) {
                double gamma = dot(ss[k - 1], ys[k - 1]) / dot(ys[k - 1], ys[k - 1]);
                for (int i = 0; i <= d; i++) {
                    q[i] *= gamma;
                }
            } else {
                double gn = Math.sqrt(dot(g, g));
                for (int i = 0; i <= d; i++) {
                    q[i] /= Math.max(gn, 1e-12);
                }
            }
            for (int j = 0; j < k; j++) {
                double beta = dot(ys[j], q) / dot(ys[j], ss[j]);
                axpy(alpha[j] - beta, ss[j], q);
            }
            double gq = dot(g, q);
            if (gq <= 0) {   // not a descent direction: restart from the scaled gradient
                sk.clear();
                yk.clear();
                q = g.clone();
                gq = dot(g, q);
            }
            double step = 1.0;
            double[] wn = new double[d + 1];
            double[] gn = new double[d + 1];
            double fn;
            while (true) {
                for (int i = 0; i <= d; i++) {
                    wn[i] = w[i] - step * q[i];
                }
                fn = textLoss(ex, y, wn, gn);
                if (fn <= f - 1e-4 * step * gq || step < 1e-10) {
                    break;
                }
                step *= 0.5;
            }
            double[] s1 = new double[d + 1];
            double[] y1 = new double[d + 1];
            for (int i = 0; i <= d; i++) {
                s1[i] = wn[i] - w[i];
                y1[i] = gn[i] - g[i];
            }
            double df = f - fn;
            w = wn;
            g = gn;
            f = fn;
            if (dot(s1, y1) > 1e-12) {
                sk.addLast(s1);
                yk.addLast(y1);
                if (sk.size() > m) {
                    sk.removeFirst();
                    yk.removeFirst();
                }
            }
            if (df < 1e-7 * Math.max(1, Math.abs(f))) {
                break;
            }
        }
        return new TextFit(w[d], Arrays.copyOf(w, d));
    }

    private static double textLoss(List<Example> ex, boolean[] y, double[] w, double[] g) {
        int d = ThemeClassifier.TEXT_DIM;
        int n = ex.size();
        double f = 0;
        for (int i = 0; i < d; i++) {
            f += 0.5 * textLambda * w[i] * w[i];
            g[i] = textLambda * w[i];
        }
        g[d] = 0;
        for (int r = 0; r < n; r++) {
            SparseText e = ex.get(r).text();
            double z = e.z(w, w[d]);
            double sp = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            f += (sp - (y[r] ? z : 0)) / n;
            double p = 1 / (1 + Math.exp(-z));
            double res = (p - (y[r] ? 1 : 0)) / n;
            for (int i = 0; i < e.idx().length; i++) {
                g[e.idx()[i]] += res * e.val()[i];
            }
            g[d] += res;
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] solve(double[][] a0, double[] b0) {
        int n = b0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = Arrays.copyOf(a0[i], n + 1);
            a[i][n] = b0[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) {
                    piv = r;
                }
            }
            double[] tmp = a[c];
            a[c] = a[piv];
            a[piv] = tmp;
            for (int r = c + 1; r < n; r++) {
                double f = a[r][c] / a[c][c];
                for (int k = c; k <= n; k++) {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = a[r][n];
            for (int k = r + 1; k < n; k++) {
                s -= a[r][k] * x[k];
            }
            x[r] = s / a[r][r];
        }
        return x;
    }

    // ------------------------------------------------------------------------------------------ training

    /** The examples whose fold is not {@code f}: the training part of fold {@code f}. */
    private static List<Example> outsideFold(List<Example> all, int[] folds, int f) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (folds[i] != f) {
                out.add(all.get(i));
            }
        }
        return out;
    }

    /** Trains one theme on {@code train}: inner grouped CV picks the threshold, then a fit on all of train. */
    static Fit trainTheme(List<Example> train0, int t, String code, double lambda, long seed) {
        TextFit text = null;
        List<Example> train = train0;
        if (useText) {
            // out-of-fold text scores: the decision layer must see text scores of articles the text model did not train on
            int[] tf = folds(train0, TEXT_FOLDS, seed + 7919, code);
            double[] oofText = new double[train0.size()];
            for (int f = 0; f < TEXT_FOLDS; f++) {
                TextFit fit = fitText(outsideFold(train0, tf, f), code);
                for (int i = 0; i < train0.size(); i++) {
                    if (tf[i] == f) {
                        oofText[i] = fit.z(train0.get(i));
                    }
                }
            }
            train = new ArrayList<>(train0.size());
            for (int i = 0; i < train0.size(); i++) {
                double[] row = train0.get(i).x()[t].clone();
                row[ThemeClassifier.TEXT_SCORE] = oofText[i];
                train.add(train0.get(i).withRow(t, row));
            }
            text = fitText(train0, code);
        }
        int inner = 4;
        int[] folds = folds(train, inner, seed, code);
        double[] oof = new double[train.size()];
        for (int f = 0; f < inner; f++) {
            Fit fit = fitTheme(outsideFold(train, folds, f), t, code, lambda);
            for (int i = 0; i < train.size(); i++) {
                if (folds[i] == f) {
                    oof[i] = fit.p(train.get(i).x()[t]);
                }
            }
        }
        double bestT = 0.5;
        double bestF = -1;
        for (int k = 0; k <= 22; k++) {
            double th = 0.3 + 0.025 * k;   // never below 0.3: see ThemeModel.MIN_RULE_SCORE
            // smooth: mean F1 over the threshold and its neighbours, so one lucky cut does not decide
            double f1 = (f1At(train, oof, code, t, th - 0.025) + f1At(train, oof, code, t, th) + f1At(train, oof, code, t, th + 0.025)) / 3;
            if (f1 > bestF + 1e-9 || (Math.abs(f1 - bestF) <= 1e-9 && Math.abs(th - 0.5) < Math.abs(bestT - 0.5))) {
                bestF = f1;
                bestT = th;
            }
        }
        Fit all = fitTheme(train, t, code, lambda);
        return new Fit(all.mean(), all.std(), all.w(), all.bias(), bestT, text);
    }

    private static double f1At(List<Example> ex, double[] p, String code, int t, double th) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < ex.size(); i++) {
            boolean g = ex.get(i).gold().contains(code);
            boolean y = p[i] >= th && hasEvidence(ex.get(i), t);
            if (g && y) {
                tp++;
            } else if (y) {
                fp++;
            } else if (g) {
                fn++;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** The classifier only assigns a theme with matched terms: distinctTerms > 0. */
    static boolean hasEvidence(Example e, int t) {
        return e.x()[t][7] > 0;
    }

    private static Fit fitTheme(List<Example> train, int t, String code, double lambda) {
        List<double[]> xs = new ArrayList<>();
        List<Boolean> ys = new ArrayList<>();
        for (Example e : train) {
            if (hasEvidence(e, t)) {   // articles without a matched term can never be assigned: not informative
                xs.add(e.x()[t]);
                ys.add(e.gold().contains(code));
            }
        }
        boolean[] y = new boolean[ys.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = ys.get(i);
        }
        return fit(xs, y, lambda);
    }

    static Map<String, Fit> train(List<Example> train, List<String> codes, double lambda) {
        Map<String, Fit> out = new LinkedHashMap<>();
        for (int t = 0; t < codes.size(); t++) {
            String code = codes.get(t);
            long pos = train.stream().filter(e -> e.gold().contains(code)).count();
            if (pos >= MIN_POSITIVES) {
                out.put(code, trainTheme(train, t, code, lambda, 17L + t));
            }
        }
        return out;
    }

    static ThemeModel toModel(Map<String, Fit> fits, ThemeClassifier rulesOnly, String version) {
        Map<String, ThemeModel.ThemeWeights> out = new LinkedHashMap<>();
        List<String> codes = rulesOnly.themeCodes();
        for (Map.Entry<String, Fit> e : fits.entrySet()) {
            out.put(e.getKey(), e.getValue().raw(rulesOnly.termLabels(codes.indexOf(e.getKey()))));
        }
        return new ThemeModel(version, rulesOnly.rulesVersion(), out);
    }

    /**
     * Grouped, stratified fold assignment: groups (same normalised title) are dealt to folds in a seeded random
     * order within strata keyed by their rarest gold theme, so every fold gets a share of each theme's positives.
     * With {@code only} set, strata are that theme vs the rest.
     */
    static int[] folds(List<Example> ex, int k, long seed, String only) {
        Map<String, Integer> freq = new HashMap<>();
        for (Example e : ex) {
            for (String g : e.gold()) {
                freq.merge(g, 1, Integer::sum);
            }
        }
        Map<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < ex.size(); i++) {
            groups.computeIfAbsent(ex.get(i).group(), g -> new ArrayList<>()).add(i);
        }
        Map<String, List<String>> strata = new TreeMap<>();
        for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
            String stratum = "~NONE";
            int best = Integer.MAX_VALUE;
            for (int i : g.getValue()) {
                for (String th : ex.get(i).gold()) {
                    if (only != null && !th.equals(only)) {
                        continue;
                    }
                    if (freq.get(th) < best) {
                        best = freq.get(th);
                        stratum = th;
                    }
                }
            }
            strata.computeIfAbsent(stratum, s -> new ArrayList<>()).add(g.getKey());
        }
        Random rnd = new Random(seed);
        int[] out = new int[ex.size()];
        int next = rnd.nextInt(k);
        for (List<String> s : strata.values()) {
            java.util.Collections.shuffle(s, rnd);
            for (String g : s) {
                for (int i : groups.get(g)) {
                    out[i] = next;
                }
                next = (next + 1) % k;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ measuring

    /** Pooled counts per theme: tp, fp, fn. */
    static final class Counts {
        final int[][] c;
        final List<String> codes;

        Counts(List<String> codes) {
            this.codes = codes;
            this.c = new int[codes.size()][3];
        }

        void add(Set<String> gold, Set<String> got) {
            for (int t = 0; t < codes.size(); t++) {
                boolean g = gold.contains(codes.get(t));
                boolean p = got.contains(codes.get(t));
                c[t][g && p ? 0 : p ? 1 : g ? 2 : 0] += (g || p) ? 1 : 0;
            }
        }

        double f1(int t) {
            int tp = c[t][0];
            int fp = c[t][1];
            int fn = c[t][2];
            return tp + fp + fn == 0 ? Double.NaN : 2.0 * tp / (2.0 * tp + fp + fn);
        }

        double macro() {
            double s = 0;
            int n = 0;
            for (int t = 0; t < codes.size(); t++) {
                if (!Double.isNaN(f1(t))) {
                    s += f1(t);
                    n++;
                }
            }
            return s / n;
        }

        String table(String title) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s%n%-22s %6s %6s %6s %6s %6s %6s%n", title,
                    "theme", "tp", "fp", "fn", "P", "R", "F1"));
            for (int t = 0; t < codes.size(); t++) {
                int tp = c[t][0];
                int fp = c[t][1];
                int fn = c[t][2];
                sb.append(String.format(Locale.ROOT, "%-22s %6d %6d %6d %6.3f %6.3f %6.3f%n", codes.get(t), tp, fp, fn,
                        tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp), tp + fn == 0 ? Double.NaN : tp / (double) (tp + fn), f1(t)));
            }
            sb.append(String.format(Locale.ROOT, "%-22s %41.3f%n", "macro-F1", macro()));
            return sb.toString();
        }
    }

    static Set<String> predict(Map<String, Fit> m, Example e, List<String> codes) {
        Set<String> out = new LinkedHashSet<>();
        for (int t = 0; t < codes.size(); t++) {
            Fit w = m.get(codes.get(t));
            boolean yes = w == null ? e.rules().contains(codes.get(t))
                    : hasEvidence(e, t) && w.p(w.row(e, t)) >= w.threshold();
            if (yes) {
                out.add(codes.get(t));
            }
        }
        return out;
    }

    /** Cross-validated model counts and rules counts on the same articles, pooled over folds and repeats. */
    static Counts[] crossValidate(List<Example> ex, List<String> codes, int k, int repeats, double lambda,
                                  PrintStream out) {
        Counts model = new Counts(codes);
        Counts rules = new Counts(codes);
        double[] macros = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            int[] folds = folds(ex, k, 1000L + r, null);
            Counts one = new Counts(codes);
            for (int f = 0; f < k; f++) {
                List<Example> train = new ArrayList<>();
                List<Example> test = new ArrayList<>();
                for (int i = 0; i < ex.size(); i++) {
                    (folds[i] == f ? test : train).add(ex.get(i));
                }
                Map<String, Fit> m = train(train, codes, lambda);
                for (Example e : test) {
                    Set<String> got = predict(m, e, codes);
                    if (printMisses && r == 0 && !got.equals(e.gold())) {
                        out.printf("cv miss %s gold %s got %s rules %s%n", e.id(), e.gold(), got, e.rules());
                    }
                    model.add(e.gold(), got);
                    one.add(e.gold(), got);
                    rules.add(e.gold(), e.rules());
                }
            }
            macros[r] = one.macro();
        }
        if (out != null) {
            double mean = Arrays.stream(macros).average().orElse(Double.NaN);
            double sd = Math.sqrt(Arrays.stream(macros).map(v -> (v - mean) * (v - mean)).sum() / Math.max(1, repeats - 1));
            out.printf(Locale.ROOT, "%d-fold grouped stratified CV x %d repeats over %d articles (%d title groups), lambda %.2f: "
                            + "model macro-F1 per repeat %s, mean %.3f sd %.3f%n", k, repeats, ex.size(),
                    ex.stream().map(Example::group).distinct().count(), lambda, Arrays.toString(round(macros)), mean, sd);
        }
        return new Counts[]{model, rules};
    }

    private static String[] round(double[] v) {
        String[] s = new String[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = String.format(Locale.ROOT, "%.3f", v[i]);
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------ command line

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws IOException {
        List<Path> inputs = new ArrayList<>();
        List<Path> labelFiles = new ArrayList<>();
        List<Path> holdout = new ArrayList<>();
        Path themes = null;
        Path outFile = null;
        int k = 0;
        int repeats = 5;
        double[] lambdas = {1.0};
        String version = "model-" + java.time.LocalDate.now();
        boolean errors = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> inputs.add(Path.of(args[++i]));
                case "--labels" -> labelFiles.add(Path.of(args[++i]));
                case "--holdout" -> holdout.add(Path.of(args[++i]));
                case "--themes" -> themes = Path.of(args[++i]);
                case "--out" -> outFile = Path.of(args[++i]);
                case "--cv" -> k = Integer.parseInt(args[++i]);
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--lambda" -> lambdas = Arrays.stream(args[++i].split(",")).mapToDouble(Double::parseDouble).toArray();
                case "--version" -> version = args[++i];
                case "--drop" -> {
                    Set<Integer> d = new java.util.HashSet<>();
                    for (String f : args[++i].split(",")) {
                        if (ThemeClassifier.FEATURES.indexOf(f) < 0) {
                            throw new IllegalArgumentException("unknown feature " + f);
                        }
                        d.add(ThemeClassifier.FEATURES.indexOf(f));
                    }
                    dropped = d;
                }
                case "--terms" -> useTerms = true;
                case "--no-text" -> useText = false;
                case "--text-lambda" -> textLambda = Double.parseDouble(args[++i]);
                case "--term-lambda-factor" -> termLambdaFactor = Double.parseDouble(args[++i]);
                case "--errors" -> {
                    errors = true;
                    printMisses = true;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ThemeClassifier rulesOnly = themes == null ? ThemeClassifier.defaultRulesOnly() : ThemeClassifier.fromFile(themes).withModel(null);
        List<String> codes = rulesOnly.themeCodes();
        Set<String> known = new LinkedHashSet<>(codes);
        Map<String, Article> articles = ClassifierEvaluation.readArticles(inputs, out);
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        for (Path f : labelFiles) {
            labels.putAll(ClassifierEvaluation.readLabels(f, known));
        }
        Map<String, Set<String>> held = new LinkedHashMap<>();
        for (Path f : holdout) {
            held.putAll(ClassifierEvaluation.readLabels(f, known));
        }
        labels.keySet().removeAll(held.keySet());   // never train on a hold-out id
        List<Example> ex = examples(rulesOnly, articles, labels);
        out.printf(Locale.ROOT, "%s; %d training articles with labels%n", rulesOnly.describe(), ex.size());
        for (double lambda : lambdas) {
            if (k > 1) {
                Counts[] c = crossValidate(ex, codes, k, repeats, lambda, out);
                out.print(c[0].table("model, cross-validated (pooled over folds and repeats):"));
                out.print(c[1].table("rules alone, same articles (each counted once per repeat):"));
            }
            if (!held.isEmpty() || outFile != null) {
                Map<String, Fit> m = train(ex, codes, lambda);
                if (!held.isEmpty()) {
                    List<Example> hx = examples(rulesOnly, articles, held);
                    Counts mc = new Counts(codes);
                    Counts rc = new Counts(codes);
                    for (Example e : hx) {
                        Set<String> got = predict(m, e, codes);
                        mc.add(e.gold(), got);
                        rc.add(e.gold(), e.rules());
                        if (errors && !got.equals(e.gold())) {
                            out.printf("holdout miss %s gold %s got %s rules %s%n", e.id(), e.gold(), got, e.rules());
                        }
                    }
                    out.print(mc.table(String.format(Locale.ROOT, "hold-out (%d articles), model trained on the %d training articles, lambda %.2f:", hx.size(), ex.size(), lambda)));
                    out.print(rc.table("hold-out, rules alone:"));
                }
                if (outFile != null) {
                    Files.writeString(outFile, toModel(m, rulesOnly, version).toJson("Per-theme logistic regression over the rules' features; trained by "
                            + "ThemeModelTrainer on " + ex.size() + " labelled articles (" + labelFiles.stream()
                            .map(p -> p.getFileName().toString()).reduce((a, b) -> a + ", " + b).orElse("") + "), lambda "
                            + lambda + ". See docs/CLASSIFIER.md."), StandardCharsets.UTF_8);
                    out.println("wrote " + outFile);
                }
            }
        }
        return 0;
    }
}
