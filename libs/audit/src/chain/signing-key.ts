import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The Ed25519 key that signs chain checkpoints. CHAIN_SIGNING_KEY (a PEM PKCS#8 private key) when set; otherwise
 * generated once per data directory in DATA_DIR/chain-signing-key.pem (mode 0600), like DATA_DIR/jwt-secret.
 * The public key is served (GET /v1/audit/chain/public-key) and put in every audit bundle, so that a checkpoint
 * can be verified with `openssl pkeyutl -verify -rawin` and nothing of ours.
 */
export class ChainSigningKey {
  readonly publicKeyPem: string;
  /** First 16 hex digits of sha256 over the public key's DER (SPKI): names the key in each checkpoint. */
  readonly keyId: string;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  }

  static fromPem(pem: string): ChainSigningKey {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`CHAIN_SIGNING_KEY must be an Ed25519 private key, not ${key.asymmetricKeyType}`);
    return new ChainSigningKey(key);
  }

  /** CHAIN_SIGNING_KEY, else DATA_DIR/chain-signing-key.pem (created on first use). */
  static load(options: { readonly pem?: string; readonly dataDir: string }): ChainSigningKey {
    if (options.pem) return ChainSigningKey.fromPem(options.pem);
    const file = path.join(options.dataDir, 'chain-signing-key.pem');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      try {
        fs.writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // another process created it first: use theirs
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return ChainSigningKey.fromPem(fs.readFileSync(file, 'utf8'));
  }

  /** Base64 Ed25519 signature of the UTF-8 text. */
  sign(text: string): string {
    return sign(null, Buffer.from(text, 'utf8'), this.privateKey).toString('base64');
  }

  verify(text: string, signatureBase64: string): boolean {
    return verifySignature(this.publicKeyPem, text, signatureBase64);
  }
}

export function verifySignature(publicKeyPem: string, text: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), createPublicKey(publicKeyPem), Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}
