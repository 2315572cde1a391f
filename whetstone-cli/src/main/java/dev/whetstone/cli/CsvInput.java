package dev.whetstone.cli;

import dev.whetstone.data.prepare.BadInputException;
import dev.whetstone.data.prepare.InputLimits;
import dev.whetstone.data.prepare.SourceTable;
import dev.whetstone.data.prepare.TableRows;
import dev.whetstone.data.prepare.Utf8Text;
import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads CSV and TSV (RFC 4180 quoting, as Excel and pandas write it) with Commons CSV. The first record is the
 * header. A record may hold at most the cell limit in characters: the reader counts what the parser pulls since
 * the last record, so an unclosed quote or a 100 MB cell stops early instead of filling memory.
 */
final class CsvInput {
    private CsvInput() {}

    static SourceTable read(Path file, char delimiter, InputLimits limits) throws IOException, BadInputException {
        String name = file.getFileName().toString();
        TableRows rows = new TableRows(name);
        long recordNumber = 0;
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
        try (CountingReader reader = new CountingReader(Utf8Text.open(file), limits.maxCellChars());
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            for (CSVRecord record : parser) {
                recordNumber = record.getRecordNumber();
                rows.add(recordNumber, record.toList());
                reader.recordDone();
            }
        } catch (UncheckedIOException e) {
            throw failure(file, recordNumber + 1, e.getCause(), limits);
        } catch (IOException e) {
            throw failure(file, recordNumber + 1, e, limits);
        }
        return rows.table();
    }

    private static BadInputException failure(Path file, long row, IOException e, InputLimits limits) {
        String name = file.getFileName().toString();
        if (e instanceof CharacterCodingException coding) return Utf8Text.notUtf8(file, coding);
        if (e instanceof CountingReader.TooLongException) {
            return new BadInputException(name + ", row " + row + " is longer than " + limits.maxCellChars()
                    + " characters; shorten that cell, or look for a quote (\") that is never closed.", e);
        }
        return new BadInputException(name + " is not valid CSV near row " + row + ": " + e.getMessage()
                + "; quote cells that hold the delimiter, quotes or line breaks.", e);
    }

    /** Counts characters read since the last completed record and refuses past the limit. */
    private static final class CountingReader extends FilterReader {
        static final class TooLongException extends IOException {
            TooLongException() { super("record too long"); }
        }

        private final long max;
        private long sinceRecord;

        CountingReader(Reader in, long max) {
            super(in);
            this.max = max;
        }

        void recordDone() { sinceRecord = 0; }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) count(1);
            return c;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) count(n);
            return n;
        }

        private void count(int n) throws TooLongException {
            sinceRecord += n;
            // The parser reads ahead in blocks, so allow one block more than the limit.
            if (sinceRecord > max + (1 << 16)) throw new TooLongException();
        }
    }
}
