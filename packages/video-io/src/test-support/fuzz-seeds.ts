/**
 * Valid files the fuzz suites mutate: small stills of a synthetic image in every PNG colour type the
 * decoders handle and baseline JPEG, made by the pure-JS encoders (no binary fixtures).
 */
import { encode as encodePngBytes } from 'fast-png';
import jpeg from 'jpeg-js';
import { syntheticClip } from './synthetic-clip.js';

const image = syntheticClip({ width: 12, height: 8, numFrames: 1, fps: 1 }).frame(0);

/** Small valid PNGs: RGB, grey, grey + alpha, RGBA (8-bit) and 16-bit RGB. */
export function pngSeeds(): Uint8Array[] {
  const { width, height, data } = image;
  const grey = data.filter((_, index) => index % 3 === 0);
  const withAlpha = (channels: Uint8Array, per: number) =>
    Uint8Array.from({ length: (channels.length / per) * (per + 1) }, (_, index) =>
      index % (per + 1) === per ? 200 : channels[Math.floor(index / (per + 1)) * per + (index % (per + 1))]!,
    );
  const sixteen = Uint16Array.from(data, (value) => value * 257);
  return [
    encodePngBytes({ width, height, data, channels: 3, depth: 8 }),
    encodePngBytes({ width, height, data: grey, channels: 1, depth: 8 }),
    encodePngBytes({ width, height, data: withAlpha(grey, 1), channels: 2, depth: 8 }),
    encodePngBytes({ width, height, data: withAlpha(data, 3), channels: 4, depth: 8 }),
    encodePngBytes({ width, height, data: sixteen, channels: 3, depth: 16 }),
  ];
}

/** Small valid baseline JPEGs at qualities 30 and 90. */
export function jpegSeeds(): Uint8Array[] {
  const rgba = Uint8Array.from({ length: image.width * image.height * 4 }, (_, index) =>
    index % 4 === 3 ? 255 : image.data[Math.floor(index / 4) * 3 + (index % 4)]!,
  );
  return [30, 90].map(
    (quality) =>
      new Uint8Array(jpeg.encode({ width: image.width, height: image.height, data: rgba }, quality).data),
  );
}

/** A small MP4 (H.264, 3 frames) from the wasm encoder. */
export async function mp4Seed(): Promise<Uint8Array> {
  const { encodeMp4WithWasm } = await import('../node/wasm-h264-encode.js');
  return encodeMp4WithWasm({ frames: syntheticClip({ width: 16, height: 16, numFrames: 3, fps: 10 }) });
}

/**
 * A small WebM muxed by mediabunny around 3 made-up VP9 packets: a valid container (what a demuxer
 * parses) whose payload no decoder would accept.
 */
export async function webmSeed(): Promise<Uint8Array> {
  const { BufferTarget, EncodedPacket, EncodedVideoPacketSource, Output, WebMOutputFormat } = await import(
    'mediabunny'
  );
  const output = new Output({ format: new WebMOutputFormat(), target: new BufferTarget() });
  const source = new EncodedVideoPacketSource('vp9');
  output.addVideoTrack(source, { frameRate: 10 });
  await output.start();
  for (let index = 0; index < 3; index++) {
    const packet = new EncodedPacket(
      Uint8Array.of(index, 1, 2, 3, 4, 5),
      index === 0 ? 'key' : 'delta',
      index / 10,
      0.1,
    );
    await source.add(
      packet,
      index === 0
        ? { decoderConfig: { codec: 'vp09.00.10.08', codedWidth: 16, codedHeight: 16 } }
        : undefined,
    );
  }
  await output.finalize();
  return new Uint8Array(output.target.buffer!);
}
