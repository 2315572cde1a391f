package dev.whetstone.safety;

/**
 * Text handed to a user-supplied regex with a time budget: java.util.regex backtracks, so a pattern like
 * {@code (a+)+$} can take exponential time on a crafted input. Every character the matcher reads goes through
 * {@link #charAt}, which checks the clock every few thousand reads and ends the match with {@link Exceeded}.
 */
final class GuardedText implements CharSequence {
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super(null, null, false, false);
        }
    }

    private final CharSequence text;
    private final long deadlineNanos;
    private int reads;

    GuardedText(CharSequence text, long budgetNanos) {
        this(text, System.nanoTime() + budgetNanos, 0);
    }

    private GuardedText(CharSequence text, long deadlineNanos, int reads) {
        this.text = text;
        this.deadlineNanos = deadlineNanos;
        this.reads = reads;
    }

    @Override
    public char charAt(int index) {
        if ((++reads & 0xFFF) == 0 && System.nanoTime() > deadlineNanos) throw new Exceeded();
        return text.charAt(index);
    }

    @Override
    public int length() { return text.length(); }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new GuardedText(text.subSequence(start, end), deadlineNanos, reads);
    }

    @Override
    public String toString() { return text.toString(); }
}
