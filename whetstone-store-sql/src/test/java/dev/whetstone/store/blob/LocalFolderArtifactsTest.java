package dev.whetstone.store.blob;

import dev.whetstone.store.BlobStore;
import dev.whetstone.testing.FolderArtifactsContract;
import java.io.IOException;

/** Folder artifacts over the local blob folder, which stands in for S3 in the scale-out tests. */
class LocalFolderArtifactsTest extends FolderArtifactsContract {
    @Override
    protected BlobStore emptyBlobStore() throws IOException {
        return LocalBlobStore.open(tmp.resolve("blobs"));
    }
}
