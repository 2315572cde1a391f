package dev.whetstone.data.prepare;

/**
 * Bounds that keep a hostile or broken input from exhausting memory. A cell is held as one string, so the cell
 * limit bounds each record; the spreadsheet limits bound what a small zip can inflate to.
 *
 * @param maxCellChars        longest cell (or JSON string) in characters
 * @param maxXlsxEntryBytes   most bytes one part of an XLSX file may inflate to
 * @param maxXlsxInflateRatio most an XLSX part may grow on inflating (uncompressed / compressed); real sheets stay
 *                            well under 100, zip bombs are in the thousands
 */
public record InputLimits(int maxCellChars, long maxXlsxEntryBytes, int maxXlsxInflateRatio) {
    /** 8 Mi characters a cell (about 2 M tokens, far past any model's context), 512 MiB a part, ratio 200. */
    public static final InputLimits DEFAULT = new InputLimits(8 << 20, 512L << 20, 200);

    public InputLimits {
        if (maxCellChars < 1 || maxXlsxEntryBytes < 1 || maxXlsxInflateRatio < 1) {
            throw new IllegalArgumentException("input limits must be positive");
        }
    }
}
