import { Command, CommandRunner, Option } from 'nest-commander';
import { loadConfig } from '@app/platform';
import { TokenService } from '@app/access';
import { BOOTSTRAP_ADMIN_ID } from '../../api/src/bootstrap-admin';

interface TokenOptions {
  ttl?: string;
}

@Command({
  name: 'token',
  arguments: '<memberId>',
  description: 'Print a bearer token for a member (memberId, or "admin" for the bootstrapped administrator)',
})
export class TokenCommand extends CommandRunner {
  async run([memberId]: string[], options: TokenOptions): Promise<void> {
    const config = loadConfig();
    const tokens = await TokenService.create(config.auth, config.dataDir);
    const id = memberId === 'admin' ? BOOTSTRAP_ADMIN_ID : memberId!;
    process.stdout.write(`${await tokens.mint(id, options.ttl)}\n`);
  }

  @Option({ flags: '--ttl <duration>', description: 'lifetime such as 30m, 12h, 7d (default AUTH_TOKEN_TTL or 12h)' })
  parseTtl(value: string): string {
    if (!/^\d+[smhd]$/.test(value)) throw new Error('--ttl expects a duration such as 30m, 12h or 7d');
    return value;
  }
}
