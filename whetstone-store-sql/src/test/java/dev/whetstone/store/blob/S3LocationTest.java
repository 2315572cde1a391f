package dev.whetstone.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3LocationTest {
    @Test
    void aBucketAloneMapsKeysAsTheyAre() {
        S3Location location = S3Location.parse("s3://whetstone-blobs");
        assertThat(location).isEqualTo(new S3Location("whetstone-blobs", ""));
        assertThat(location.objectKey("files/file-1")).isEqualTo("files/file-1");
        assertThat(location.keyPrefix()).isEmpty();
        assertThat(S3Location.parse("s3://whetstone-blobs/")).isEqualTo(location);
    }

    @Test
    void aPrefixGoesBeforeEveryKey() {
        S3Location location = S3Location.parse("s3://my.bucket-1/prod/eu/");
        assertThat(location).isEqualTo(new S3Location("my.bucket-1", "prod/eu"));
        assertThat(location.objectKey("files/file-1")).isEqualTo("prod/eu/files/file-1");
        assertThat(location.keyPrefix()).isEqualTo("prod/eu/");
        assertThat(location).hasToString("s3://my.bucket-1/prod/eu");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://ab", "s3://Upper", "s3://under_score", "s3://-dash", "s3://dash-", "s3://a..b",
                            "s3://192.168.1.1", "s3://", "s3:///prefix"})
    void badBucketNamesAreRefusedWithTheRule(String url) {
        assertThatIllegalArgumentException().isThrownBy(() -> S3Location.parse(url))
                .withMessageContaining("is not a valid S3 bucket name").withMessageStartingWith("--blob-store '" + url + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://bucket/a//b", "s3://bucket/../x", "s3://bucket/a b", "s3://bucket//"})
    void badPrefixesAreRefused(String url) {
        assertThatIllegalArgumentException().isThrownBy(() -> S3Location.parse(url)).withMessageContaining("key prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bucket", "http://bucket", "s3:/bucket", "S3://bucket"})
    void otherSchemesAreRefused(String url) {
        assertThatIllegalArgumentException().isThrownBy(() -> S3Location.parse(url))
                .withMessage("--blob-store expects s3://BUCKET[/PREFIX], got '" + url + "'");
    }
}
