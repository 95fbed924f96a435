import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLocalJWKSet, createRemoteJWKSet, importPKCS8, importSPKI, JWTPayload, jwtVerify, KeyLike, SignJWT } from 'jose';
import { Unauthenticated } from '@app/kernel';
import type { AuthConfig } from '@app/platform';

/** Verifies bearer tokens (and mints them for the CLI and tests). Only this file knows jose. */
export class TokenService {
  private constructor(
    private readonly config: AuthConfig,
    private readonly verifyKey: Uint8Array | KeyLike | ReturnType<typeof createRemoteJWKSet> | ReturnType<typeof createLocalJWKSet>,
    private readonly signKey: Uint8Array | KeyLike | undefined,
    private readonly algorithm: 'HS256' | 'RS256',
  ) {}

  static async create(config: AuthConfig, dataDir: string): Promise<TokenService> {
    if (config.jwksUrl) {
      const signKey = config.privateKey ? await importPKCS8(config.privateKey, 'RS256') : undefined;
      return new TokenService(config, createRemoteJWKSet(new URL(config.jwksUrl)), signKey, 'RS256');
    }
    if (config.publicKey) {
      const signKey = config.privateKey ? await importPKCS8(config.privateKey, 'RS256') : undefined;
      return new TokenService(config, await importSPKI(config.publicKey, 'RS256'), signKey, 'RS256');
    }
    const secret = new TextEncoder().encode(config.secret ?? localSecret(dataDir));
    return new TokenService(config, secret, secret, 'HS256');
  }

  /** The member id (sub) of a valid token; Unauthenticated otherwise. */
  async verify(token: string): Promise<{ memberId: string; payload: JWTPayload }> {
    try {
      const { payload } = await jwtVerify(token, this.verifyKey as Uint8Array, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [this.algorithm],
      });
      if (!payload.sub) throw new Error('no subject');
      return { memberId: payload.sub, payload };
    } catch (error) {
      throw new Unauthenticated(`Invalid bearer token: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A token for a member (CLI `token`, seed, tests). Needs the HS256 secret or AUTH_JWT_PRIVATE_KEY. */
  async mint(memberId: string, ttl = this.config.tokenTtl): Promise<string> {
    if (!this.signKey) throw new Error('Minting needs AUTH_JWT_SECRET or AUTH_JWT_PRIVATE_KEY; tokens come from your identity provider');
    return new SignJWT({})
      .setProtectedHeader({ alg: this.algorithm })
      .setSubject(memberId)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt()
      .setExpirationTime(ttl)
      .sign(this.signKey);
  }
}

/** Generated once per data directory, readable only by its owner. */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
