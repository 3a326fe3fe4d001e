package io.newsflow.classify;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates repository files and the (optional, not redistributed) corpora from the module directory. */
final class TestFiles {

    private TestFiles() {
    }

    /** The repository root: tests run with the module directory as working directory. */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("seeds")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return here.getParent();
    }

    static Path seeds() {
        return repoRoot().resolve("seeds");
    }

    static Path labels(String name) {
        return repoRoot().resolve("eval").resolve("labels").resolve(name);
    }

    /**
     * A corpus file: system property {@code newsflow.corpora} if set, else {@code ../shared/corpora} beside the
     * repository root. Returns null when the file is absent (callers skip via Assumptions).
     */
    static Path corpus(String file) {
        String prop = System.getProperty("newsflow.corpora");
        Path dir = prop != null && !prop.isBlank() ? Path.of(prop)
                : repoRoot().resolve("..").resolve("shared").resolve("corpora").normalize();
        Path f = dir.resolve(file);
        return Files.isRegularFile(f) ? f : null;
    }
}
