package dev.whetstone.engine.torch.model;

import org.bytedeco.pytorch.GradMode;

/**
 * Disables autograd recording on this thread until closed, then restores the previous mode. Used instead of
 * JavaCPP's NoGradGuard, whose C++ destructor runs only when its handle is deallocated.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad() {
        previous = GradMode.is_enabled();
        GradMode.set_enabled(false);
    }

    public static NoGrad enter() { return new NoGrad(); }

    @Override
    public void close() { GradMode.set_enabled(previous); }
}
