import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DemoOrganization } from '@app/organization';
import { JSON_BODY_LIMIT_BYTES } from '@app/platform';
import { AuthHeaders, officeDraft, startDemoApp, TestApp } from '@test/support';
import { expectRefused } from './refused';

/** A request written by hand (raw bytes, chunked uploads), on a server of its own that is closed afterwards. */
async function raw(
  t: TestApp,
  options: http.RequestOptions,
  write: (req: http.ClientRequest) => void,
): Promise<{ status: number; contentType: string | undefined; body: Record<string, unknown> }> {
  const server = http.createServer(t.app.getHttpAdapter().getInstance() as http.RequestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, agent: false, ...options }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, contentType: res.headers['content-type'], body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      write(req);
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** Every non-ASCII character as a \uXXXX escape: the largest JSON text a client can send for the same value. */
const escapeAll = (json: string) => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const chinese = (n: number) => '报'.repeat(n);
const key = (prefix: string, n: number) => (prefix + 'x'.repeat(n)).slice(0, n);

/**
 * Issue 8, C9: the JSON body limit holds a draft at every documented maximum; bodies and attachments over their
 * limits answer 413 problem+json `payload-too-large` with the correlation id; refused keys and invalid UTF-8 are
 * 400s, never silently dropped or replaced.
 */
describe('request body limits (HTTP)', () => {
  let t: TestApp;
  let demo: DemoOrganization;
  let reporter: AuthHeaders;
  let admin: AuthHeaders;

  const draft = (extra: Record<string, unknown> = {}) => officeDraft(demo, extra);

  beforeAll(async () => {
    ({ t, demo, admin, reporter } = await startDemoApp());
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  describe('when a draft is at every documented maximum', () => {
    it('accepts a Chinese body of 50,000 characters (34,000 were refused with 413 before)', async () => {
      await t.http.post('/v1/drafts').set(reporter).send(draft({ body: chinese(34_000) })).expect(201);
      await t.http.post('/v1/drafts').set(reporter).send(draft({ body: chinese(50_000) })).expect(201);
    });

    it('accepts it even with every character escaped as \\uXXXX', async () => {
      const max = draft({
        title: chinese(200),
        body: chinese(50_000),
        source: 'repost',
        originalOutlet: chinese(200),
        targetPlatforms: Array.from({ length: 10 }, (_, i) => key(`p${i}`, 30)),
        authors: Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
        attachments: Array.from({ length: 30 }, (_, i) => ({ name: chinese(200), mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: MAX_ATTACHMENT_BYTES, sha256: String(i % 10).repeat(64) })),
        formFields: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [key(`f${i}`, 50), chinese(2000)])),
      });
      const text = escapeAll(JSON.stringify(max));
      expect(Buffer.byteLength(text)).toBeGreaterThan(700_000);
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(JSON_BODY_LIMIT_BYTES);
      const res = await t.http.post('/v1/drafts').set(reporter).set('Content-Type', 'application/json').send(text);
      expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
    });

    it('refuses one item over a maximum with a 400 naming the field', async () => {
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ body: chinese(50_001) })), 'body');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).send(draft({ formFields: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`f${i}`, 'x'])) })), 'formFields');
    });
  });

  describe('when a body is over its limit', () => {
    it('answers 413 problem+json payload-too-large with the limit and the correlation id, for JSON', async () => {
      const text = JSON.stringify(draft({ body: 'x'.repeat(JSON_BODY_LIMIT_BYTES) }));
      const body = await expectRefused(t, 413, () => t.http.post('/v1/drafts').set(reporter).set('X-Correlation-Id', 'big-1').set('Content-Type', 'application/json').send(text));
      expect(body).toMatchObject({ type: 'urn:baosong:problem:payload-too-large', title: 'Payload Too Large', limit: JSON_BODY_LIMIT_BYTES, correlationId: 'big-1' });
    });

    it('answers 413 for an attachment one byte over 20 MiB, and stores one of exactly 20 MiB', async () => {
      const body = await expectRefused(t, 413, () =>
        t.http.post('/v1/attachments').set(reporter).set('X-Correlation-Id', 'big-2').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(MAX_ATTACHMENT_BYTES + 1, 1)),
      );
      expect(body).toMatchObject({ type: 'urn:baosong:problem:payload-too-large', limit: MAX_ATTACHMENT_BYTES, correlationId: 'big-2' });
      const ok = await t.http.post('/v1/attachments').set(reporter).set('Content-Type', 'application/octet-stream').send(Buffer.alloc(MAX_ATTACHMENT_BYTES, 1)).expect(201);
      expect(ok.body).toMatchObject({ size: MAX_ATTACHMENT_BYTES });
    });

    it('answers 413 for a chunked attachment (no Content-Length) that goes over 20 MiB', async () => {
      const answer = await raw(t, { method: 'POST', path: '/v1/attachments', headers: { ...reporter, 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' } }, (req) => {
        const chunk = Buffer.alloc(1024 * 1024, 2);
        let sent = 0;
        const write = (): void => {
          while (sent <= 21) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', write);
          }
          req.end();
        };
        write();
      });
      expect(answer).toMatchObject({ status: 413, body: { type: 'urn:baosong:problem:payload-too-large', limit: MAX_ATTACHMENT_BYTES } });
    });
  });

  describe('when a body names a refused key', () => {
    it.each([
      ['{"__proto__":{"admin":true},"name":"张伟"}', '__proto__'],
      ['{"constructor":{"prototype":{}},"name":"张伟"}', 'constructor'],
      ['{"name":"张伟","prototype":1}', 'prototype'],
    ])('refuses %s with a 400 naming the key', async (text, field) => {
      await expectRefused(t, 400, () => t.http.post('/v1/members').set(admin).set('Content-Type', 'application/json').send(text), field);
    });
    it('names the path of a nested refused key', async () => {
      const text = JSON.stringify(draft()).replace('"unitId"', '"formFields":{"a":"b","__proto__":"x"},"unitId"');
      await expectRefused(t, 400, () => t.http.post('/v1/drafts').set(reporter).set('Content-Type', 'application/json').send(text), 'formFields.__proto__');
      await expectRefused(t, 400, () => t.http.put('/v1/publication-levels').set(admin).set('Content-Type', 'application/json').send('{"levels":[{"key":"city","name":"市","rank":1,"__proto__":{}}]}'), 'levels.0.__proto__');
    });
  });

  describe('when a body is not valid UTF-8', () => {
    it('refuses it with a 400 instead of storing U+FFFD', async () => {
      const bytes = Buffer.concat([Buffer.from('{"name":"张'), Buffer.from([0xff, 0xfe]), Buffer.from('伟"}')]);
      const head = await t.store.headPosition();
      const json = await raw(t, { method: 'POST', path: '/v1/members', headers: { ...admin, 'Content-Type': 'application/json' } }, (req) => req.end(bytes));
      expect(json).toMatchObject({ status: 400, body: { type: 'urn:baosong:problem:validation-failed', errors: [{ field: 'body' }] } });
      const yaml = Buffer.concat([Buffer.from('id: x\ntitle: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
      const policy = await raw(t, { method: 'POST', path: '/v1/policies/validate', headers: { ...admin, 'Content-Type': 'application/yaml' } }, (req) => req.end(yaml));
      expect(policy).toMatchObject({ status: 400, body: { errors: [{ field: 'body' }] } });
      expect(await t.store.headPosition()).toBe(head);
    });
  });
});
