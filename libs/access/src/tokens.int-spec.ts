import { generateKeyPairSync } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Unauthenticated } from '@app/kernel';
import type { AuthConfig } from '@app/platform';
import { TokenService } from './tokens';

const base: AuthConfig = { secret: undefined, publicKey: undefined, privateKey: undefined, jwksUrl: undefined, issuer: 'baosong', audience: 'baosong-api', tokenTtl: '1h' };
const member = '6f1c2a4e-1111-4222-8333-944455556666';

describe('TokenService', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokens-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('HS256', () => {
    it('verifies what it minted, with issuer and audience', async () => {
      const tokens = await TokenService.create({ ...base, secret: 'a-secret-of-at-least-thirty-two-bytes!!' }, dir);
      expect((await tokens.verify(await tokens.mint(member))).memberId).toBe(member);
    });
    it('with no secret configured, generates one into DATA_DIR/jwt-secret and reuses it', async () => {
      const first = await TokenService.create(base, dir);
      const token = await first.mint(member);
      expect(fs.statSync(path.join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      const second = await TokenService.create(base, dir);
      expect((await second.verify(token)).memberId).toBe(member);
    });
    it('refuses a token signed with another secret, for another audience or issuer, or expired', async () => {
      const tokens = await TokenService.create({ ...base, secret: 'a-secret-of-at-least-thirty-two-bytes!!' }, dir);
      const other = await TokenService.create({ ...base, secret: 'another-secret-of-at-least-thirty-two-b' }, dir);
      await expect(tokens.verify(await other.mint(member))).rejects.toBeInstanceOf(Unauthenticated);
      const otherAudience = await TokenService.create({ ...base, secret: 'a-secret-of-at-least-thirty-two-bytes!!', audience: 'elsewhere' }, dir);
      await expect(tokens.verify(await otherAudience.mint(member))).rejects.toThrow(/aud/);
      const otherIssuer = await TokenService.create({ ...base, secret: 'a-secret-of-at-least-thirty-two-bytes!!', issuer: 'elsewhere' }, dir);
      await expect(tokens.verify(await otherIssuer.mint(member))).rejects.toThrow(/iss/);
      await expect(tokens.verify(await tokens.mint(member, '-1s' as never))).rejects.toBeInstanceOf(Unauthenticated);
      await expect(tokens.verify('not-a-token')).rejects.toBeInstanceOf(Unauthenticated);
    });
  });

  describe('RS256', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    it('verifies with a public key what the identity provider (its private key) signed', async () => {
      const tokens = await TokenService.create({ ...base, publicKey: publicPem, privateKey: privatePem }, dir);
      expect((await tokens.verify(await tokens.mint(member))).memberId).toBe(member);
      const hs = await TokenService.create({ ...base, secret: 'a-secret-of-at-least-thirty-two-bytes!!' }, dir);
      await expect(tokens.verify(await hs.mint(member))).rejects.toBeInstanceOf(Unauthenticated);
    });
    it('without a private key it verifies but cannot mint', async () => {
      const tokens = await TokenService.create({ ...base, publicKey: publicPem }, dir);
      await expect(tokens.mint(member)).rejects.toThrow(/identity provider/);
    });

    describe('with a JWKS URL', () => {
      let server: Server;
      let url: string;
      beforeAll(async () => {
        const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
        server = createServer((_, res) => {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ keys: [jwk] }));
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
      });
      afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it('verifies tokens against the keys the URL publishes', async () => {
        const signer = await TokenService.create({ ...base, publicKey: publicPem, privateKey: privatePem }, dir);
        const tokens = await TokenService.create({ ...base, jwksUrl: url }, dir);
        expect((await tokens.verify(await signer.mint(member))).memberId).toBe(member);
      });
    });
  });
});
