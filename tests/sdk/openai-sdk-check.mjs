// gst-apigo: the emulator, driven by the official OpenAI Node SDK
// Copyright (C) 2026 gst-apigo authors
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Usage: node openai-sdk-check.mjs BASE_URL   (e.g. http://127.0.0.1:8080/v1)
// The emulator must run with its API key in $APIGO_EMULATOR_API_KEY (the
// same variable is read here) and with its default sizes.  The SDK is used
// unchanged: if the emulator drifts from the real API shape, this fails.

import OpenAI, { toFile } from 'openai';
import { deflateSync } from 'node:zlib';

const baseURL = process.argv[2];
const apiKey = process.env.APIGO_EMULATOR_API_KEY;
if (!baseURL || !apiKey) {
  console.error('usage: APIGO_EMULATOR_API_KEY=KEY node openai-sdk-check.mjs BASE_URL');
  process.exit(2);
}

const client = new OpenAI({ baseURL, apiKey });
let failures = 0;

function check(ok, what) {
  if (ok) {
    console.log(`ok - ${what}`);
  } else {
    failures++;
    console.log(`not ok - ${what}`);
  }
}

function equal(actual, expected, what) {
  check(actual === expected, `${what} (got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)})`);
}

// A small solid red PNG, built by hand: no image library needed.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    let c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const len = Buffer.alloc(4);
  const crc = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function redPng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.alloc(1 + width * 3); // filter byte 0, then pixels
  for (let x = 0; x < width; x++) row[1 + x * 3] = 255;
  const pixels = Buffer.concat(Array(height).fill(row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(pixels)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

// The SDK's own helper when it has one, else its retrieve().
async function waitFor(id) {
  const seen = [];
  for (let i = 0; i < 600; i++) {
    const video = await client.videos.retrieve(id);
    seen.push(`${video.status}:${video.progress}`);
    if (video.status === 'completed' || video.status === 'failed') return { video, seen };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`video ${id} never finished: ${seen.join(' ')}`);
}

async function expectError(promise, errorClass, status, code, what) {
  try {
    await promise;
    check(false, `${what}: no error raised`);
  } catch (err) {
    check(err instanceof errorClass, `${what}: ${errorClass.name} (got ${err?.constructor?.name}: ${err?.message})`);
    equal(err.status, status, `${what}: status`);
    if (code) equal(err.code, code, `${what}: error code`);
  }
}

async function bytesOf(response) {
  return Buffer.from(await response.arrayBuffer());
}

async function main() {
  // Create with plain fields (the SDK sends them as multipart/form-data).
  const created = await client.videos.create({
    model: 'sora-2',
    prompt: 'SDK check: a paper boat on a pond',
    size: '1280x720',
    seconds: '4',
  });
  check(/^video_/.test(created.id), 'create returns an id');
  equal(created.object, 'video', 'create: object');
  check(['queued', 'pending'].includes(created.status), `create: waiting status (${created.status})`);
  equal(created.size, '1280x720', 'create: size');
  equal(created.seconds, '4', 'create: seconds');

  let done;
  if (typeof client.videos.createAndPoll === 'function') {
    done = await client.videos.createAndPoll({
      model: 'sora-2',
      prompt: 'SDK check: createAndPoll',
      size: '1280x720',
      seconds: '4',
    });
    equal(done.status, 'completed', 'createAndPoll: completed');
  }
  const polled = await waitFor(created.id);
  done = polled.video;
  equal(done.status, 'completed', `retrieve until completed (${polled.seen.join(' ')})`);
  equal(done.progress, 100, 'completed: progress');
  check(Number.isInteger(done.completed_at), 'completed: completed_at');
  equal(done.expires_at, done.completed_at + 3600, 'completed: expires_at');

  // Download the variants.
  const mp4 = await bytesOf(await client.videos.downloadContent(created.id));
  equal(mp4.subarray(4, 8).toString('latin1'), 'ftyp', 'content: an MP4');
  const thumb = await bytesOf(await client.videos.downloadContent(created.id, { variant: 'thumbnail' }));
  check(thumb[0] === 0xff && thumb[1] === 0xd8, 'thumbnail: a JPEG');
  const sprites = await bytesOf(await client.videos.downloadContent(created.id, { variant: 'spritesheet' }));
  check(sprites[0] === 0xff && sprites[1] === 0xd8, 'spritesheet: a JPEG');

  // Create with an input_reference file.
  const png = redPng(64, 36);
  const withImage = await client.videos.create({
    model: 'sora-2',
    prompt: 'SDK check: starts from a red frame',
    size: '1280x720',
    seconds: '4',
    input_reference: await toFile(png, 'red.png', { type: 'image/png' }),
  });
  equal((await waitFor(withImage.id)).video.status, 'completed', 'input_reference: completed');
  const origin = new URL(baseURL).origin;
  const log = await (await fetch(`${origin}/_emulator/requests`)).json();
  const upload = log.data.find((r) => r.video_id === withImage.id && r.method === 'POST');
  equal(upload?.file_name, 'red.png', 'input_reference: file name seen');
  equal(upload?.file_content_type, 'image/png', 'input_reference: file type seen');
  equal(upload?.file_size, png.length, 'input_reference: file size seen');
  equal(upload?.form?.prompt, 'SDK check: starts from a red frame', 'input_reference: prompt field seen');
  check(!JSON.stringify(log).includes(apiKey), 'request log: no API key in it');

  // Remix.
  const remix = await client.videos.remix(created.id, { prompt: 'SDK check: the same pond at night' });
  equal(remix.remixed_from_video_id, created.id, 'remix: remixed_from_video_id');
  equal((await waitFor(remix.id)).video.status, 'completed', 'remix: completed');

  // List, one page and with the SDK's auto-pagination (after=last_id).
  const page = await client.videos.list({ limit: 2, order: 'asc' });
  equal(page.data.length, 2, 'list: one page of 2');
  equal(page.data[0].id, created.id, 'list: oldest first with order=asc');
  const all = [];
  for await (const video of client.videos.list({ limit: 1 })) all.push(video.id);
  equal(all.length, 3, 'list: auto-pagination sees every video');
  equal(all[0], remix.id, 'list: newest first by default');

  // Delete.
  const deleted = await client.videos.delete(withImage.id);
  equal(deleted.id, withImage.id, 'delete: id');
  equal(deleted.object, 'video.deleted', 'delete: object');
  equal(deleted.deleted, true, 'delete: deleted');
  await expectError(client.videos.retrieve(withImage.id), OpenAI.NotFoundError, 404, null,
    'retrieve after delete');

  // Errors surface as the SDK's classes.
  await expectError(client.videos.create({ model: 'sora-2', prompt: 'bad size', size: '640x480' }),
    OpenAI.BadRequestError, 400, 'invalid_value', 'bad size');
  const stranger = new OpenAI({ baseURL, apiKey: 'sk-not-the-right-one' });
  await expectError(stranger.videos.list(), OpenAI.AuthenticationError, 401, 'invalid_api_key',
    'wrong API key');
}

try {
  await main();
} catch (err) {
  failures++;
  console.log(`not ok - unexpected error: ${err?.stack ?? err}`);
}
console.log(failures ? `${failures} check(s) failed` : 'all checks passed');
process.exit(failures ? 1 : 0);
