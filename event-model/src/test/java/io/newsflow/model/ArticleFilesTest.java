package io.newsflow.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArticleFilesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReportAnUnparsableLineWithItsPathAndLineAndReadTheRest() throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.writeString(file, """
                {"id":"a","title":"A","body":"one"}
                {"id":"b", this is broken
                
                {"id":"c","title":"C","body":"three","extra":"kept out"}
                """);
        List<Article> read = new ArrayList<>();
        List<ArticleFiles.Problem> problems = new ArrayList<>();
        ArticleFiles.read(file, read::add, problems::add);

        assertEquals(List.of("a", "c"), read.stream().map(Article::id).toList());
        assertEquals(1, problems.size());
        assertEquals(file + ":2", problems.get(0).where());
    }

    @Test
    void shouldReadASeedPageWithTitleDateAndHardWrappedParagraphs() throws Exception {
        Article a = ArticleFiles.parseText("x", """

                A Title

                Published at: April 28, 2020

                First line of a paragraph
                that was hard-wrapped.

                Second paragraph.
                """);
        assertEquals("A Title", a.title());
        assertEquals("April 28, 2020", a.publishedAt());
        assertEquals(List.of("First line of a paragraph that was hard-wrapped.", "Second paragraph."), a.paragraphs());
        assertNull(a.url());
        assertTrue(ArticleFiles.readAll(Path.of("..", "seeds")).size() == 5);
    }
}
