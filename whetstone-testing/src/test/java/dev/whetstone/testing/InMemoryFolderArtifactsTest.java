package dev.whetstone.testing;

import dev.whetstone.store.BlobStore;

class InMemoryFolderArtifactsTest extends FolderArtifactsContract {
    @Override
    protected BlobStore emptyBlobStore() {
        return new InMemoryBlobStore();
    }
}
