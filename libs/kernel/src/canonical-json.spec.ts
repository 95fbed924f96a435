import { canonicalJson } from './canonical-json';

describe('canonicalJson (RFC 8785 style)', () => {
  it('sorts object members by key at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('gives key order and spacing no weight: two serialisations of one body are one text', () => {
    const sent = JSON.parse('{ "title": "夏季治安", "unitId": "u-1", "targetPlatforms": ["wechat", "weibo"] }') as unknown;
    const resent = JSON.parse('{"targetPlatforms":["wechat","weibo"],"unitId":"u-1","title":"夏季治安"}') as unknown;
    expect(canonicalJson(sent)).toBe(canonicalJson(resent));
  });

  it('keeps array order, and every value difference, significant', () => {
    const base = canonicalJson({ targetPlatforms: ['wechat', 'weibo'] });
    expect(canonicalJson({ targetPlatforms: ['weibo', 'wechat'] })).not.toBe(base);
    expect(canonicalJson({ n: 1 })).not.toBe(canonicalJson({ n: '1' }));
    expect(canonicalJson({ n: null })).not.toBe(canonicalJson({}));
    expect(canonicalJson({ s: 'a' })).not.toBe(canonicalJson({ s: 'a ' }));
  });

  it('sorts keys by UTF-16 code units, as RFC 8785 does (an astral character sorts before U+FB33)', () => {
    // RFC 8785 section 3.2.3: "\u20ac" (€) < "\ud83d\ude00" (😀) < "\ufb33"; plain JS string order is UTF-16 order
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2, '\u20ac': 3 })).toBe('{"\u20ac":3,"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('writes numbers the way ECMAScript does (RFC 8785 section 3.2.2.3)', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1 + 0.2, 100])).toBe('[1e+21,1e-7,0,0.30000000000000004,100]');
  });

  it('escapes lone surrogates and control characters instead of failing', () => {
    expect(canonicalJson({ t: '\ud800\u0000' })).toBe('{"t":"\\ud800\\u0000"}');
  });

  it('handles a body nested 10,000 levels deep without exhausting the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = i % 2 === 0 ? [deep] : { k: deep };
    const text = canonicalJson(deep);
    expect(text.startsWith('{"k":[{"k":[')).toBe(true);
    expect(text).toContain('"leaf"');
  });

  it('agrees with JSON.stringify when the keys are already sorted', () => {
    const value = { a: [1, 'two', { b: false, c: null }], d: '报送' };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });
});
