package dev.whetstone.cli;

import dev.whetstone.data.prepare.Finding;
import dev.whetstone.data.prepare.Preparation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Asks y/n for each suggested fix on standard input; with {@code -q} every fix is accepted without asking. Without
 * an answer (end of input, as when nothing is attached) the answer is no: nothing changes that nobody agreed to.
 */
final class Answers implements Preparation.Decider {
    private final BufferedReader in;
    private final PrintStream out;
    private final boolean acceptAll;
    private final PrepareReport report;
    private final String unit;

    Answers(BufferedReader in, PrintStream out, boolean acceptAll, PrepareReport report, String unit) {
        this.in = in;
        this.out = out;
        this.acceptAll = acceptAll;
        this.report = report;
        this.unit = unit;
    }

    @Override
    public boolean accept(Finding finding) {
        report.finding(finding, unit);
        if (finding.fix() == null) return false;
        out.print("  -> " + finding.fix().question() + " [y/n] ");
        if (acceptAll) {
            out.println("y (-q)");
            return true;
        }
        out.flush();
        String answer = readLine();
        if (answer == null) {
            out.println("n (no input)");
            return false;
        }
        return answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
