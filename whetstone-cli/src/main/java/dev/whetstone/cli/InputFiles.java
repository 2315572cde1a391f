package dev.whetstone.cli;

import dev.whetstone.data.prepare.BadInputException;
import dev.whetstone.data.prepare.InputLimits;
import dev.whetstone.data.prepare.JsonInput;
import dev.whetstone.data.prepare.JsonlInput;
import dev.whetstone.data.prepare.SourceTable;
import dev.whetstone.data.prepare.XlsxInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Picks the reader for an input file by its extension. */
final class InputFiles {
    static final String KINDS = ".csv, .tsv, .xlsx, .json, .jsonl";

    private InputFiles() {}

    /**
     * Comma, or semicolon when the first line has semicolons and no commas: spreadsheet programs in locales with a
     * decimal comma write CSV with semicolons.
     */
    static char csvDelimiter(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(1 << 16);
        }
        String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf('\n');
        String first = end < 0 ? text : text.substring(0, end);
        return first.indexOf(',') < 0 && first.indexOf(';') >= 0 ? ';' : ',';
    }

    static SourceTable read(Path file, InputLimits limits) throws IOException, BadInputException {
        if (Files.isDirectory(file)) throw new BadInputException(file + " is a folder; pass the data file with -f.");
        if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such file.");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.')) : "";
        return switch (extension) {
            case ".csv", ".txt" -> CsvInput.read(file, csvDelimiter(file), limits);
            case ".tsv", ".tab" -> CsvInput.read(file, '\t', limits);
            case ".xlsx", ".xlsm" -> XlsxInput.read(file, limits);
            case ".json" -> JsonInput.read(file, limits);
            case ".jsonl", ".ndjson" -> JsonlInput.read(file, limits);
            case ".xls" -> throw new BadInputException(file.getFileName() + " is an old binary Excel file (.xls);"
                    + " save it as .xlsx or as \"CSV UTF-8\".");
            default -> throw new BadInputException(file.getFileName() + ": unknown file type '" + extension
                    + "'; use one of " + KINDS + ".");
        };
    }
}
