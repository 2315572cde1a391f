package dev.whetstone.cli;

import dev.whetstone.data.LineError;
import dev.whetstone.data.prepare.Finding;
import dev.whetstone.data.prepare.ModelTarget;
import dev.whetstone.data.prepare.PreparedFiles;
import dev.whetstone.data.prepare.Preparation;
import dev.whetstone.data.prepare.RowNote;
import dev.whetstone.data.prepare.Totals;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** How prepare-data shows what it found, did and wrote: findings as they come, then a summary table. */
final class PrepareReport {
    private final PrintStream out;

    PrepareReport(PrintStream out) {
        this.out = out;
    }

    void finding(Finding f, String unit) {
        out.println();
        out.println("[" + f.severity() + "] " + f.check() + ": " + f.message());
        for (RowNote row : f.rows()) out.println("    " + unit + " " + row.row() + ": " + row.excerpt());
        if (f.rowCount() > f.rows().size() && !f.rows().isEmpty()) {
            out.println("    ... and " + (f.rowCount() - f.rows().size()) + " more");
        }
    }

    void summary(List<Preparation.Decided> decided, Totals totals, ModelTarget model, Integer epochsAsked) {
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  %-18s %-10s %6s  %s%n", "check", "severity", "rows", "action");
        for (Preparation.Decided d : decided) {
            Finding f = d.finding();
            String action = f.fix() == null ? "-" : d.applied() ? "fixed" : "not fixed";
            out.printf(Locale.ROOT, "  %-18s %-10s %6s  %s%n", f.check(), f.severity().name().toLowerCase(Locale.ROOT),
                    f.rowCount() == 0 ? "" : String.valueOf(f.rowCount()), action);
        }
        if (decided.isEmpty()) out.println("  (no problems found)");
        String how = totals.exact() ? "counted with " + model.name() + "'s tokenizer" : "estimated, about 4 characters a token";
        out.printf(Locale.ROOT, "  %-30s %,12d%n", "training examples", totals.examples());
        if (totals.validationExamples() > 0) out.printf(Locale.ROOT, "  %-30s %,12d%n", "validation examples", totals.validationExamples());
        out.printf(Locale.ROOT, "  %-30s %,12d  (%s)%n", "training tokens", totals.tokens(), how);
        out.printf(Locale.ROOT, "  %-30s %,12d  (%s)%n", "epochs", totals.epochs(), epochsAsked == null ? "auto" : "--epochs");
        out.printf(Locale.ROOT, "  %-30s %,12d  (tokens x epochs)%n", "trained tokens", totals.trainedTokens());
    }

    /** @return whether every file passes */
    boolean verdicts(List<PreparedFiles.Verdict> verdicts) {
        out.println();
        boolean ok = true;
        for (PreparedFiles.Verdict v : verdicts) {
            String kind = v.training() ? "training" : "validation";
            if (v.ok()) {
                out.println("Wrote " + kind + " file " + v.file() + ": valid, " + v.report().statistics().examples()
                        + " examples in the " + v.report().statistics().format() + " format.");
            } else {
                ok = false;
                out.println("Wrote " + kind + " file " + v.file() + ", but the service would NOT accept it:");
                for (LineError e : v.report().errors()) out.println("    " + e.render());
                if (v.report().totalErrors() > v.report().errors().size()) {
                    out.println("    ... " + v.report().totalErrors() + " errors in total");
                }
                if (v.requirement() != null) out.println("    " + v.requirement());
            }
        }
        return ok;
    }
}
