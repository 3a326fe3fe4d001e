package io.newsflow.classify;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The one definition of a word used for rules and text alike: a maximal run of letters and digits. */
final class Tokens {

    private Tokens() {
    }

    static boolean isWordChar(char c) {
        if (c < 128) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }
        return Character.isLetterOrDigit(c);
    }

    /** Splits a phrase into words; lower-cases them unless {@code keepCase}. */
    static String[] split(String phrase, boolean keepCase) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = phrase.length();
        while (i < n) {
            while (i < n && !isWordChar(phrase.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && isWordChar(phrase.charAt(i))) {
                i++;
            }
            if (i > start) {
                String w = phrase.substring(start, i);
                out.add(keepCase ? w : w.toLowerCase(Locale.ROOT));
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * Regular English inflections of a word: plural / third person (-s, -es, -ies), past (-ed, -d, -ied, doubled
     * final consonant) and -ing. Over-generation is harmless: a form that is not a word never occurs in text.
     * An acronym (case-sensitive, upper case) only gets its plural with "s".
     */
    static Set<String> inflections(String w, boolean caseSensitive) {
        Set<String> out = new LinkedHashSet<>();
        out.add(w);
        if (caseSensitive) {
            if (Character.isUpperCase(w.charAt(w.length() - 1))) {
                out.add(w + "s");
            }
            return out;
        }
        if (w.length() < 3 || !w.chars().allMatch(Character::isLetter)) {
            if (w.length() >= 2 && w.chars().allMatch(Character::isLetter)) {
                out.add(w + "s");
            }
            return out;
        }
        char last = w.charAt(w.length() - 1);
        char prev = w.charAt(w.length() - 2);
        if (last == 'y' && !isVowel(prev)) {
            String stem = w.substring(0, w.length() - 1);
            out.add(stem + "ies");
            out.add(stem + "ied");
            out.add(w + "ing");
        } else if (w.endsWith("s") || w.endsWith("x") || w.endsWith("z") || w.endsWith("ch") || w.endsWith("sh")) {
            out.add(w + "es");
            out.add(w + "ed");
            out.add(w + "ing");
        } else if (last == 'e') {
            out.add(w + "s");
            out.add(w + "d");
            out.add(w.substring(0, w.length() - 1) + "ing");
        } else {
            out.add(w + "s");
            out.add(w + "ed");
            out.add(w + "ing");
            if (!isVowel(last) && last != 'w' && last != 'x' && last != 'y' && isVowel(prev)
                    && !isVowel(w.charAt(w.length() - 3))) {
                out.add(w + last + "ed");
                out.add(w + last + "ing");
            }
        }
        return out;
    }

    private static boolean isVowel(char c) {
        return "aeiou".indexOf(c) >= 0;
    }
}
