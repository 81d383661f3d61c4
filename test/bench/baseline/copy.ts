/** The baseline's copy: stream a URL into S3 with a bare lib-storage `Upload` (no hash, no size checks). */
import { request } from 'undici';
import { type S3ClientLike, Upload } from './aws.ts';

export async function copyBare(
  url: string,
  client: S3ClientLike,
  bucket: string,
  key: string,
  partSizeBytes: number,
): Promise<void> {
  const res = await request(url);
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`video download answered ${res.statusCode}`);
  }
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: res.body, ContentType: 'video/mp4' },
    partSize: partSizeBytes,
  });
  await upload.done();
}
