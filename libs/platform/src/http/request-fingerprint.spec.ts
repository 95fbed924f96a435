import { requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  const approve = { method: 'POST', path: '/v1/drafts/d-1/steps/0/approve', body: { comment: '同意' } };

  it('is the same for the same request, whatever the key order of its body', () => {
    const a = requestFingerprint({ ...approve, body: { comment: '同意', verdict: 'may_publish' } });
    const b = requestFingerprint({ ...approve, body: { verdict: 'may_publish', comment: '同意' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^v1:[0-9a-f]{64}$/);
  });

  it('differs when the method, the path (the target), the query or the body differs', () => {
    const first = requestFingerprint(approve);
    expect(requestFingerprint({ ...approve, method: 'PUT' })).not.toBe(first);
    expect(requestFingerprint({ ...approve, path: '/v1/drafts/d-1/steps/0/return' })).not.toBe(first);
    expect(requestFingerprint({ ...approve, path: '/v1/drafts/d-2/steps/0/approve' })).not.toBe(first);
    expect(requestFingerprint({ ...approve, query: { dryRun: 'true' } })).not.toBe(first);
    expect(requestFingerprint({ ...approve, body: { comment: '不同意' } })).not.toBe(first);
  });

  it('treats the method case-insensitively and an empty query as no query', () => {
    expect(requestFingerprint({ ...approve, method: 'post', query: {} })).toBe(requestFingerprint(approve));
  });

  it('fingerprints a text body (a YAML policy) by its text', () => {
    const yaml = { method: 'POST', path: '/v1/policies', body: 'id: p\nversion: 1\n' };
    expect(requestFingerprint(yaml)).toBe(requestFingerprint({ ...yaml }));
    expect(requestFingerprint({ ...yaml, body: 'id: p\nversion: 2\n' })).not.toBe(requestFingerprint(yaml));
  });
});
